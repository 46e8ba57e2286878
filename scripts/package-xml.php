<?php
/*
 * Generates package.xml (PECL package 2.0) for the smtp extension.
 *
 *   php scripts/package-xml.php [OUTPUT]     OUTPUT defaults to package.xml at the top of the tree;
 *                                            "-" writes to standard output.
 *
 * The output depends only on the tree, never on the clock, so CI can regenerate it and compare
 * (scripts/check-package.sh):
 *   - version: PHP_SMTP_VERSION in php_smtp.h;
 *   - date, notes, changelog: CHANGELOG.md, whose newest "## VERSION - YYYY-MM-DD" entry must be that
 *     version (an optional "(alpha)", "(beta)" or "(stable)" after the date sets the stability; without it
 *     0.x releases are alpha and later ones stable);
 *   - contents: the files git knows (tracked, plus untracked ones that are not ignored, so the list is
 *     right before a commit too), minus build tooling and build products, sorted byte-wise. With
 *     CI=true (CI runs in a fresh clone) only tracked files count, so that whatever an earlier CI step
 *     left in the tree cannot change the list.
 * No md5sum attributes: the list changes when a file is added or removed, not when one is edited.
 */

declare(strict_types=1);

const EXT_NAME = 'smtp';
const SUMMARY = 'SMTP client: send mail over SMTP with STARTTLS, AUTH and MIME, and a mail() replacement';
const DESCRIPTION = <<<'TXT'
A native SMTP client for PHP 8.2+. The Smtp class speaks SMTP (RFC 5321) with STARTTLS or implicit TLS
through PHP's own streams, AUTH PLAIN/LOGIN/CRAM-MD5/XOAUTH2, PIPELINING and CHUNKING; Smtp\Message builds
correct MIME messages (RFC 2047 headers, quoted-printable/base64, HTML alternatives, streamed attachments,
inline images). Errors are typed exceptions carrying the reply code and enhanced status. smtp_mail() and
the INI setting smtp.override_mail=1 let existing mail() code send through an SMTP server with AUTH and TLS,
on Windows and Unix alike.
TXT;
const LEAD = ['name' => 'smtp developers', 'user' => 'smtp', 'email' => 'dev@smtp.invalid', 'active' => 'yes'];
const LICENSE_NAME = 'MIT';
const LICENSE_URI = 'https://opensource.org/licenses/MIT';
const PHP_MIN = '8.2.0';
const PEAR_MIN = '1.10.0';
const CONFIGURE_OPTION = ['name' => 'enable-smtp', 'default' => 'yes', 'prompt' => 'enable smtp support?'];

/* Never shipped: directories (and everything below them) and single files, relative to the top. The
 * framework bridges (bridges/) are Composer packages of their own, installed with composer, not with pecl. */
const EXCLUDED_DIRS = [
    'bench/', 'bridges/', 'build/', 'scripts/', 'autom4te.cache/', 'modules/', 'include/', 'libs/', 'tmp/',
];
const EXCLUDED_FILES = [
    'package.xml', 'composer.json', 'composer.lock',
    /* what phpize, configure and make leave behind (a .gitignore should hide them, but be safe) */
    'acinclude.m4', 'aclocal.m4', 'config.guess', 'config.h', 'config.h.in', 'config.log', 'config.nice',
    'config.status', 'config.sub', 'configure', 'configure.ac', 'configure.in', 'install-sh', 'libtool',
    'ltmain.sh', 'Makefile', 'Makefile.fragments', 'Makefile.global', 'Makefile.objects', 'missing',
    'mkinstalldirs', 'run-tests.php', 'confdefs.h', 'tmp-php.ini',
];

function fail(string $message): never
{
    fwrite(STDERR, 'package-xml.php: ' . $message . "\n");
    exit(1);
}

function x(string $s): string
{
    return htmlspecialchars($s, ENT_XML1 | ENT_COMPAT | ENT_SUBSTITUTE, 'UTF-8');
}

/** @return list<string> paths relative to $root, "/" separated */
function git_files(string $root): array
{
    $files = [];
    $listings = [['ls-files', '-z']];
    if (getenv('CI') !== 'true') {
        $listings[] = ['ls-files', '-z', '--others', '--exclude-standard'];
    }
    foreach ($listings as $args) {
        $cmd = array_merge(['git', '-C', $root], $args);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($proc)) {
            fail('cannot run git');
        }
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        if (proc_close($proc) !== 0) {
            fail('git ' . implode(' ', $args) . ' failed (is this a git checkout?): ' . trim($err));
        }
        foreach (explode("\0", $out) as $f) {
            if ($f !== '') {
                $files[$f] = true;
            }
        }
    }
    return array_keys($files);
}

function is_shipped(string $path, string $root): bool
{
    if (!is_file($root . '/' . $path) || is_link($root . '/' . $path)) {
        return false; /* deleted but still in the index, or a symlink (PECL tarballs carry no links) */
    }
    foreach (explode('/', $path) as $part) {
        if ($part !== '' && $part[0] === '.') {
            return false; /* .ci/, .github/, .gitignore, .deps, .libs, ... */
        }
    }
    foreach (EXCLUDED_DIRS as $dir) {
        if (str_starts_with($path, $dir)) {
            return false;
        }
    }
    if (in_array($path, EXCLUDED_FILES, true)) {
        return false;
    }
    $base = basename($path);
    if (str_starts_with($base, 'conftest') || $base === 'core'
        || preg_match('/^(crash|leak|timeout|oom|slow-unit)-/', $base)           /* libFuzzer findings */
        || preg_match('/\.(o|lo|la|a|so|dll|exe|obj|pdb|dep|gcda|gcno|gcov|profraw|tgz)$/', $base)) {
        return false;
    }
    /* what run-tests.php leaves beside a test: NAME.{php,sh,out,exp,diff,log,mem} next to NAME.phpt */
    if (preg_match('/^(.*)\.(php|sh|out|exp|diff|log|mem)$/', $path, $m) && is_file($root . '/' . $m[1] . '.phpt')) {
        return false;
    }
    return true;
}

function role_of(string $path): string
{
    $base = basename($path);
    if (str_starts_with($path, 'tests/') || str_contains($path, '/tests/')) {
        return 'test';
    }
    if (str_starts_with($path, 'examples/') || str_starts_with($path, 'stubs/') || str_starts_with($path, 'docs/')
        || in_array($base, ['LICENSE', 'CREDITS', 'EXPERIMENTAL'], true) || str_ends_with($base, '.md')) {
        return 'doc';
    }
    if (preg_match('/\.(c|h|m4|w32)$/', $base) || str_ends_with($base, '.stub.php')) {
        return 'src';
    }
    fail("no PECL role for '$path': give it one in role_of() or exclude it in scripts/package-xml.php");
}

/**
 * @return list<array{version: string, date: string, stability: string, notes: string}> newest first
 */
function changelog(string $file): array
{
    $text = @file_get_contents($file);
    if ($text === false) {
        fail("cannot read $file");
    }
    $text = str_replace("\r\n", "\n", $text);
    $parts = preg_split('/^## /m', $text);
    array_shift($parts); /* the preamble */
    $entries = [];
    foreach ($parts as $part) {
        [$heading, $body] = array_pad(explode("\n", $part, 2), 2, '');
        if (!preg_match('/^\[?(\d+\.\d+\.\d+(?:(?:alpha|beta|RC)\d*)?)\]?\s+-\s+(\d{4}-\d{2}-\d{2})(?:\s+\((alpha|beta|stable)\))?\s*$/',
            trim($heading), $m)) {
            fail("$file: heading '## $heading' is not '## VERSION - YYYY-MM-DD [(alpha|beta|stable)]'");
        }
        $stability = $m[3] ?? '';
        if ($stability === '') {
            if (preg_match('/(alpha|beta)/', $m[1], $s)) {
                $stability = $s[1];
            } elseif (preg_match('/RC/', $m[1])) {
                $stability = 'beta';
            } else {
                $stability = str_starts_with($m[1], '0.') ? 'alpha' : 'stable';
            }
        }
        $notes = trim($body);
        if ($notes === '') {
            fail("$file: the entry for {$m[1]} has no text");
        }
        $entries[] = ['version' => $m[1], 'date' => $m[2], 'stability' => $stability, 'notes' => $notes];
    }
    if (!$entries) {
        fail("$file has no '## VERSION - YYYY-MM-DD' entry");
    }
    return $entries;
}

/** Indents a multi-line text for <notes>. */
function notes(string $text, string $indent): string
{
    $lines = array_map(fn ($l) => rtrim($l) === '' ? '' : $indent . rtrim($l), explode("\n", x($text)));
    return "\n" . implode("\n", $lines) . "\n" . substr($indent, 1);
}

/** @param array<string, mixed> $tree */
function render_dir(array $tree, string $indent): string
{
    $out = '';
    $dirs = array_filter($tree, 'is_array');
    $files = array_filter($tree, 'is_string');
    ksort($dirs, SORT_STRING);
    ksort($files, SORT_STRING);
    foreach ($dirs as $name => $sub) {
        $out .= $indent . '<dir name="' . x((string) $name) . "\">\n" . render_dir($sub, $indent . ' ') . $indent . "</dir>\n";
    }
    foreach ($files as $name => $role) {
        $out .= $indent . '<file name="' . x((string) $name) . '" role="' . $role . "\"/>\n";
    }
    return $out;
}

/* ------------------------------------------------------------------------------------------------ */

$root = dirname(__DIR__);
$output = $argv[1] ?? $root . '/package.xml';

$header = @file_get_contents($root . '/php_smtp.h');
if ($header === false || !preg_match('/^#\s*define\s+PHP_SMTP_VERSION\s+"([^"]+)"/m', $header, $m)) {
    fail('cannot find PHP_SMTP_VERSION in php_smtp.h');
}
$version = $m[1];

$releases = changelog($root . '/CHANGELOG.md');
$current = $releases[0];
if ($current['version'] !== $version) {
    fail("php_smtp.h says version $version but the newest CHANGELOG.md entry is {$current['version']}");
}

$tree = [];
$count = 0;
foreach (git_files($root) as $path) {
    if (!is_shipped($path, $root)) {
        continue;
    }
    $node = &$tree;
    $parts = explode('/', $path);
    $file = array_pop($parts);
    foreach ($parts as $dir) {
        $node[$dir] ??= [];
        $node = &$node[$dir];
    }
    $node[$file] = role_of($path);
    unset($node);
    $count++;
}
foreach (['config.m4', 'php_smtp.h', 'smtp.c', 'smtp.stub.php', 'smtp_arginfo.h', 'LICENSE', 'CREDITS'] as $needed) {
    if (!isset($tree[$needed])) {
        fail("$needed is missing from the tree (or not known to git)");
    }
}
if (!isset($tree['config.w32'])) {
    fwrite(STDERR, "package-xml.php: warning: no config.w32, the package cannot be built on Windows\n");
}

$xml = '<?xml version="1.0" encoding="UTF-8"?>' . "\n"
    . '<package version="2.0" xmlns="http://pear.php.net/dtd/package-2.0"'
    . ' xmlns:tasks="http://pear.php.net/dtd/tasks-1.0"'
    . ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    . ' xsi:schemaLocation="http://pear.php.net/dtd/tasks-1.0 http://pear.php.net/dtd/tasks-1.0.xsd'
    . ' http://pear.php.net/dtd/package-2.0 http://pear.php.net/dtd/package-2.0.xsd">' . "\n"
    . ' <!-- generated by scripts/package-xml.php: edit that script or CHANGELOG.md, not this file -->' . "\n"
    . ' <name>' . EXT_NAME . "</name>\n"
    . " <channel>pecl.php.net</channel>\n"
    . ' <summary>' . x(SUMMARY) . "</summary>\n"
    . ' <description>' . notes(DESCRIPTION, '  ') . "</description>\n"
    . " <lead>\n"
    . '  <name>' . x(LEAD['name']) . "</name>\n"
    . '  <user>' . x(LEAD['user']) . "</user>\n"
    . '  <email>' . x(LEAD['email']) . "</email>\n"
    . '  <active>' . LEAD['active'] . "</active>\n"
    . " </lead>\n"
    . ' <date>' . $current['date'] . "</date>\n"
    . " <version>\n"
    . "  <release>$version</release>\n"
    . "  <api>$version</api>\n"
    . " </version>\n"
    . " <stability>\n"
    . "  <release>{$current['stability']}</release>\n"
    . "  <api>{$current['stability']}</api>\n"
    . " </stability>\n"
    . ' <license uri="' . LICENSE_URI . '">' . LICENSE_NAME . "</license>\n"
    . ' <notes>' . notes($current['notes'], '  ') . "</notes>\n"
    . " <contents>\n"
    . "  <dir name=\"/\">\n"
    . render_dir($tree, '   ')
    . "  </dir>\n"
    . " </contents>\n"
    . " <dependencies>\n"
    . "  <required>\n"
    . "   <php>\n"
    . '    <min>' . PHP_MIN . "</min>\n"
    . "   </php>\n"
    . "   <pearinstaller>\n"
    . '    <min>' . PEAR_MIN . "</min>\n"
    . "   </pearinstaller>\n"
    . "  </required>\n"
    . " </dependencies>\n"
    . ' <providesextension>' . EXT_NAME . "</providesextension>\n"
    . " <extsrcrelease>\n"
    . '  <configureoption name="' . x(CONFIGURE_OPTION['name']) . '" default="' . x(CONFIGURE_OPTION['default'])
    . '" prompt="' . x(CONFIGURE_OPTION['prompt']) . "\"/>\n"
    . " </extsrcrelease>\n"
    . " <changelog>\n";
foreach ($releases as $r) {
    $xml .= "  <release>\n"
        . "   <version>\n"
        . "    <release>{$r['version']}</release>\n"
        . "    <api>{$r['version']}</api>\n"
        . "   </version>\n"
        . "   <stability>\n"
        . "    <release>{$r['stability']}</release>\n"
        . "    <api>{$r['stability']}</api>\n"
        . "   </stability>\n"
        . "   <date>{$r['date']}</date>\n"
        . '   <license uri="' . LICENSE_URI . '">' . LICENSE_NAME . "</license>\n"
        . '   <notes>' . notes($r['notes'], '    ') . "</notes>\n"
        . "  </release>\n";
}
$xml .= " </changelog>\n</package>\n";

if (class_exists(DOMDocument::class) && !@(new DOMDocument())->loadXML($xml)) {
    fail('generated XML is not well-formed (a bug in this script)');
}

if ($output === '-') {
    echo $xml;
} else {
    $tmp = $output . '.tmp';
    if (file_put_contents($tmp, $xml) === false || !rename($tmp, $output)) {
        fail("cannot write $output");
    }
    fwrite(STDERR, "package-xml.php: wrote $output ($count files, version $version)\n");
}
