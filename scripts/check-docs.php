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

/** The first group of $pattern in $text; a document without it is an error of the check itself. */
function section(string $text, string $pattern, string $what): string
{
    if (!preg_match($pattern, $text, $m)) {
        fwrite(STDERR, "check-docs: $what not found\n");
        exit(1);
    }
    return $m[1];
}

/** The backquoted names in the first cell of each table row that starts with names matching $name. */
function first_cell_names(string $text, string $name): array
{
    preg_match_all("/^\\| ((?:`$name`(?:, )?)+) \\|/m", $text, $m);
    $names = [];
    foreach ($m[1] as $cell) {
        preg_match_all("/`($name)`/", $cell, $found);
        array_push($names, ...$found[1]);
    }
    return $names;
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

$table_rows = section(read('smtp_options.c'), '/options_table\[\]\s*=\s*\{(.*?)\n\};/s', 'options_table in smtp_options.c');
preg_match_all('/^\s*\{"([a-z_]+)",/m', $table_rows, $m);
$table = $m[1];

$readme = read('README.md');
$readme_options = first_cell_names(
    section($readme, '/\n\| option \| default \| meaning \|\n\|[-|]+\|\n((?:\|.*\n)+)/', 'README\'s Options table'),
    '[a-z_]+',
);

$shape = section(read('stubs/smtp.php'), '/@param array\{\s*\n((?:\s*\*\s+[a-z_]+\?:.*\n)+)\s*\*\s*\} \$options/',
    'the array shape of the constructor\'s options in stubs/smtp.php');
preg_match_all('/\*\s+([a-z_]+)\?:/', $shape, $m);
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
$readme_ini = first_cell_names($readme, 'smtp\\.[a-z_]+');
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
