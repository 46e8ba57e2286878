<?php
/*
 * Checks that the docs still describe the code, where a drift is easy to miss:
 *   1. every file name DESIGN.md cites exists;
 *   2. the options of Smtp: the option table (smtp_options.c), README's Options table and the IDE stub's
 *      array shape (stubs/smtp.php) name the same options;
 *   3. the smtp.* php.ini settings: the entries (smtp_ini.c, smtp_dkim_config.c) and README's tables;
 *   4. the tests: every file follows one naming scheme (PREFIX-NN-topic.phpt), no two share a prefix and
 *      number, and tests/README.md describes every prefix.
 *
 *   php scripts/check-docs.php            prints one line per check, then "N passed, N failed"
 */

declare(strict_types=1);

$root = dirname(__DIR__);
$passed = 0;
$failed = 0;

function check(string $what, array $problems): void
{
    global $passed, $failed;
    if ($problems === []) {
        $passed++;
        echo "ok: $what\n";
        return;
    }
    $failed++;
    echo "FAILED: $what\n";
    foreach ($problems as $p) {
        echo "    $p\n";
    }
}

function read(string $path): string
{
    global $root;
    $s = @file_get_contents("$root/$path");
    if ($s === false) {
        fwrite(STDERR, "check-docs: cannot read $path\n");
        exit(1);
    }
    return $s;
}

/** @return list<string> the names in $a missing from $b, each as "name (what)" */
function missing(array $a, array $b, string $what): array
{
    $out = [];
    foreach (array_diff($a, $b) as $name) {
        $out[] = "$name $what";
    }
    return array_values($out);
}

/* ---- 1. DESIGN.md's file names -------------------------------------------------------------------- */

$design = read('DESIGN.md');
preg_match_all('/`([A-Za-z0-9_.\/-]+\.(?:c|h|php|sh|md|inc|py|js|json|xml|m4|w32)|[A-Za-z0-9_.-]+\/(?:[A-Za-z0-9_.-]+\/)*)`/', $design, $m);
$cited = array_unique($m[1]);
$absent = [];
foreach ($cited as $name) {
    $candidates = [$name, "protocol/$name", "tests/$name", "scripts/$name", "bench/$name", "bridges/$name"];
    $found = false;
    foreach ($candidates as $c) {
        if (file_exists("$root/$c")) {
            $found = true;
            break;
        }
    }
    if (!$found) {
        $absent[] = "$name (cited by DESIGN.md, not in the tree)";
    }
}
check(sprintf('the %d file names DESIGN.md cites exist', count($cited)), $absent);

/* ---- 2. the options ------------------------------------------------------------------------------- */

$options_c = read('smtp_options.c');
if (!preg_match('/options_table\[\]\s*=\s*\{(.*?)\n\};/s', $options_c, $t)) {
    fwrite(STDERR, "check-docs: no options_table in smtp_options.c\n");
    exit(1);
}
preg_match_all('/^\s*\{"([a-z_]+)",/m', $t[1], $m);
$table = $m[1];

$readme = read('README.md');
if (!preg_match('/\n\| option \| default \| meaning \|\n\|[-|]+\|\n((?:\|.*\n)+)/', $readme, $t)) {
    fwrite(STDERR, "check-docs: README has no Options table\n");
    exit(1);
}
preg_match_all('/^\| ((?:`[a-z_]+`(?:, )?)+) \|/m', $t[1], $m);
$readme_options = [];
foreach ($m[1] as $cell) {
    preg_match_all('/`([a-z_]+)`/', $cell, $names);
    array_push($readme_options, ...$names[1]);
}

$stub = read('stubs/smtp.php');
if (!preg_match('/@param array\{\s*\n((?:\s*\*\s+[a-z_]+\?:.*\n)+)\s*\*\s*\} \$options/', $stub, $t)) {
    fwrite(STDERR, "check-docs: stubs/smtp.php has no array shape for the constructor's options\n");
    exit(1);
}
preg_match_all('/\*\s+([a-z_]+)\?:/', $t[1], $m);
$stub_options = $m[1];

check(sprintf('the %d options of smtp_options.c are the options of README\'s table and of stubs/smtp.php', count($table)),
    array_merge(
        missing($table, $readme_options, '(option table) is not in README\'s Options table'),
        missing($readme_options, $table, '(README\'s Options table) is not an option'),
        missing($table, $stub_options, '(option table) is not in stubs/smtp.php'),
        missing($stub_options, $table, '(stubs/smtp.php) is not an option'),
    ));

/* ---- 3. the php.ini settings ---------------------------------------------------------------------- */

$ini_sources = read('smtp_ini.c') . read('smtp_dkim_config.c');
preg_match_all('/(?:STD_)?PHP_INI_(?:ENTRY|BOOLEAN)(?:_EX)?\("(smtp\.[a-z_]+)"/', $ini_sources, $m);
$ini = array_unique($m[1]);
preg_match_all('/^\| ((?:`smtp\.[a-z_]+`(?:, )?)+) \|/m', $readme, $m);
$readme_ini = [];
foreach ($m[1] as $cell) {
    preg_match_all('/`(smtp\.[a-z_]+)`/', $cell, $names);
    array_push($readme_ini, ...$names[1]);
}
check(sprintf('the %d smtp.* settings are the ones README\'s tables describe', count($ini)),
    array_merge(
        missing($ini, $readme_ini, '(an INI entry) is not in README\'s INI tables'),
        missing(array_unique($readme_ini), $ini, '(README) is not an INI entry'),
    ));

/* ---- 4. the tests' names -------------------------------------------------------------------------- */

$tests = array_map('basename', glob("$root/tests/*.phpt"));
$bad = [];
$seen = [];
$prefixes = [];
foreach ($tests as $t) {
    if (!preg_match('/^([a-z]+)-(\d{2,3})-[a-z0-9-]+\.phpt$/', $t, $m)) {
        $bad[] = "$t does not follow PREFIX-NN-topic.phpt";
        continue;
    }
    $prefixes[$m[1]] = true;
    $key = "$m[1]-$m[2]";
    if (isset($seen[$key])) {
        $bad[] = "$t and {$seen[$key]} share $key";
    }
    $seen[$key] = $t;
}
check(sprintf('the %d PHPT files follow one naming scheme, each number once a prefix', count($tests)), $bad);

$tests_readme = read('tests/README.md');
$undescribed = [];
foreach (array_keys($prefixes) as $p) {
    if (!str_contains($tests_readme, "`$p-")) {
        $undescribed[] = "$p- (tests/$p-*.phpt) is not described in tests/README.md";
    }
}
check(sprintf('tests/README.md describes the %d test prefixes', count($prefixes)), $undescribed);

echo "check-docs: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
