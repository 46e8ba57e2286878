#!/usr/bin/env bash
# Checks the packaging, as a release would exercise it:
#   1. package.xml is what scripts/package-xml.php generates (every shipped file listed, none missing);
#   2. composer.json (PIE) is valid;
#   3. stubs/smtp.php (IDE stub) declares the same API as smtp.stub.php;
#   4. `pecl package` builds smtp-VERSION.tgz from a copy of the tree;
#   5. `pecl install` of that tarball builds and installs the extension into the system PHP;
#   6. one PHPT runs against the installed extension (-d extension=smtp, run-tests.php);
#   7. the installed extension declares the API of stubs/smtp.php;
#   8. `pecl uninstall smtp` removes it again (a smtp.so that was there before is put back).
# Needs root (or sudo) for 5 and 8, and php-pear + php8.2-dev (installed with apt-get if missing).
# Ends with one line "N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAILED: $*"; }
step() { echo; echo "== $*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 && SUDO="sudo"
fi

need=()
command -v pecl >/dev/null 2>&1 || need+=(php-pear)
command -v phpize >/dev/null 2>&1 || need+=(php8.2-dev)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	$SUDO apt-get update -qq >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
		|| echo "could not install ${need[*]}"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-package.XXXXXX")
installed=0
ext_dir=""
backup=""
cleanup() {
	if [ "$installed" -eq 1 ]; then
		$SUDO pecl uninstall smtp >/dev/null 2>&1 || true
	fi
	if [ -n "$backup" ] && [ -f "$backup" ] && [ -n "$ext_dir" ]; then
		$SUDO cp -p "$backup" "$ext_dir/smtp.so"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# ------------------------------------------------------------------ 1. package.xml up to date
step "package.xml is up to date"
if php scripts/package-xml.php "$work/package.xml" 2>"$work/gen.err"; then
	if [ ! -f package.xml ]; then
		bad "package.xml does not exist: run php scripts/package-xml.php"
	elif diff -u package.xml "$work/package.xml" >"$work/package.diff"; then
		ok "package.xml matches the tree ($(grep -c '<file ' package.xml) files)"
	else
		head -n 60 "$work/package.diff"
		bad "package.xml is stale: run php scripts/package-xml.php and commit the result"
	fi
else
	cat "$work/gen.err"
	bad "scripts/package-xml.php failed"
fi
version=$(sed -n 's/^#define PHP_SMTP_VERSION "\(.*\)"/\1/p' php_smtp.h)

# ------------------------------------------------------------------ 2. composer.json
step "composer.json (PIE) is valid"
if command -v composer >/dev/null 2>&1; then
	# Composer before 2.7 does not know the "php-ext" key and reports it as a publish warning only.
	if COMPOSER_ALLOW_SUPERUSER=1 composer validate --no-check-publish --no-interaction composer.json >"$work/composer.out" 2>&1; then
		ok "composer validate"
	else
		cat "$work/composer.out"
		bad "composer validate"
	fi
	# the framework bridges are Composer packages of their own
	for bridge in bridges/*/composer.json; do
		[ -f "$bridge" ] || continue
		if COMPOSER_ALLOW_SUPERUSER=1 composer validate --strict --no-check-publish --no-interaction "$bridge" >"$work/composer.out" 2>&1; then
			ok "composer validate --strict $bridge"
		else
			cat "$work/composer.out"
			bad "composer validate --strict $bridge"
		fi
	done
fi
if php -r '
	$j = json_decode(file_get_contents("composer.json"), true, 32, JSON_THROW_ON_ERROR);
	$e = [];
	($j["type"] ?? "") === "php-ext" || $e[] = "type must be php-ext";
	($j["php-ext"]["extension-name"] ?? "") === "smtp" || $e[] = "php-ext.extension-name must be smtp";
	foreach ($j["php-ext"]["configure-options"] ?? [] as $o) {
		preg_match("/^[a-zA-Z0-9][a-zA-Z0-9-_]*$/", $o["name"] ?? "") || $e[] = "bad configure option name";
		is_bool($o["needs-value"] ?? false) || $e[] = "needs-value must be a boolean";
	}
	isset($j["require"]["php"]) || $e[] = "require.php missing";
	foreach ($e as $m) fwrite(STDERR, "composer.json: $m\n");
	exit($e ? 1 : 0);' 2>"$work/composer.err"; then
	ok "composer.json php-ext section"
else
	cat "$work/composer.err"
	bad "composer.json php-ext section"
fi

# ------------------------------------------------------------------ 3. IDE stub vs smtp.stub.php
step "stubs/smtp.php declares the API of smtp.stub.php"
php -n scripts/api-signature.php smtp.stub.php >"$work/api-stub.txt" 2>&1
php -n scripts/api-signature.php stubs/smtp.php >"$work/api-ide.txt" 2>&1
if diff -u "$work/api-stub.txt" "$work/api-ide.txt"; then
	ok "IDE stub matches smtp.stub.php"
else
	bad "stubs/smtp.php differs from smtp.stub.php (lines with - are in smtp.stub.php, + in the IDE stub)"
fi

# ------------------------------------------------------------------ 4. pecl package
step "pecl package"
tarball=""
if ! command -v pecl >/dev/null 2>&1; then
	bad "pecl is not installed (apt-get install php-pear)"
else
	mkdir -p "$work/src"
	# a copy of the tree (without git and build products), with the package.xml of the tree
	tar -C "$root" --exclude=./.git --exclude=./modules --exclude=./.libs --exclude='*.o' --exclude='*.lo' \
		-cf - . | tar -C "$work/src" -xf -
	if (cd "$work/src" && pecl package package.xml) >"$work/pecl-package.out" 2>&1 \
		&& [ -f "$work/src/smtp-$version.tgz" ]; then
		tarball="$work/src/smtp-$version.tgz"
		grep -i warning "$work/pecl-package.out" | sed 's/^/  /'
		ok "pecl package: smtp-$version.tgz ($(tar -tzf "$tarball" | grep -vc '/$') entries)"
	else
		cat "$work/pecl-package.out"
		bad "pecl package"
	fi
fi

# ------------------------------------------------------------------ 5. pecl install
step "pecl install into the system PHP"
if [ -z "$tarball" ]; then
	bad "pecl install: no tarball"
elif [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
	bad "pecl install needs root or sudo"
else
	ext_dir=$(pecl config-get ext_dir 2>/dev/null)
	[ -n "$ext_dir" ] || ext_dir=$(php-config --extension-dir)
	if pecl list 2>/dev/null | grep -q '^smtp '; then
		echo "a previous smtp package is registered with pecl (an interrupted run?): uninstalling it"
		$SUDO pecl uninstall smtp >/dev/null 2>&1
	fi
	if [ -f "$ext_dir/smtp.so" ]; then
		backup="$work/smtp.so.before"
		cp -p "$ext_dir/smtp.so" "$backup"
		echo "kept a copy of the smtp.so already in $ext_dir; it is put back at the end"
	fi
	# The configure option's default ("yes") answers pecl's prompt when standard input is empty.
	if $SUDO pecl install "$tarball" </dev/null >"$work/pecl-install.out" 2>&1; then
		installed=1
	fi
	if [ "$installed" -eq 1 ] && grep -q "install ok: channel://pecl.php.net/smtp-$version" "$work/pecl-install.out" \
		&& [ -f "$ext_dir/smtp.so" ]; then
		ok "pecl install: $ext_dir/smtp.so"
	else
		tail -n 60 "$work/pecl-install.out"
		bad "pecl install"
	fi
fi

# ------------------------------------------------------------------ 6. one PHPT against the installed extension
step "PHPT against the installed extension"
run_tests=""
for f in "$(php-config --extension-dir 2>/dev/null)/build/run-tests.php" /usr/lib/php/*/build/run-tests.php \
	/usr/share/php/*/run-tests.php "$root/run-tests.php"; do
	if [ -f "$f" ]; then run_tests=$f; break; fi
done
phpt=tests/api-00-loaded.phpt
[ -f "$phpt" ] || phpt=tests/api-01-happy-path.phpt
if [ "$installed" -ne 1 ]; then
	bad "PHPT $phpt: the extension is not installed"
elif [ -z "$run_tests" ]; then
	bad "PHPT: run-tests.php not found (apt-get install php8.2-dev)"
else
	# Run from the unpacked tarball, so the test is the shipped one; -d extension=smtp loads the
	# installed smtp.so from the extension dir (no path: nothing from the work tree can be picked up).
	mkdir -p "$work/phpt" && tar -C "$work/phpt" -xzf "$tarball"
	tdir="$work/phpt/smtp-$version"
	if (cd "$tdir" && NO_INTERACTION=1 REPORT_EXIT_STATUS=1 TEST_PHP_EXECUTABLE="$(command -v php)" \
		php "$run_tests" -q --no-color --show-diff -d extension=smtp "$phpt") >"$work/phpt.out" 2>&1 \
		&& grep -Eq '^Tests passed +: +1 ' "$work/phpt.out"; then
		grep -Eo 'PASS .*' "$work/phpt.out" | head -n 1
		ok "PHPT $phpt"
	else
		tail -n 60 "$work/phpt.out"
		bad "PHPT $phpt"
	fi
fi

# ------------------------------------------------------------------ 7. installed extension vs IDE stub
step "the installed extension declares the API of stubs/smtp.php"
if [ "$installed" -ne 1 ]; then
	bad "API check: the extension is not installed"
elif php -n -d extension=smtp scripts/api-signature.php >"$work/api-ext.txt" 2>&1 \
	&& diff -u "$work/api-ext.txt" "$work/api-ide.txt"; then
	ok "extension API matches stubs/smtp.php"
else
	bad "the extension's API differs from stubs/smtp.php (- the extension, + the IDE stub)"
fi

# ------------------------------------------------------------------ 8. pecl uninstall
step "pecl uninstall"
if [ "$installed" -ne 1 ]; then
	bad "pecl uninstall: nothing was installed"
elif $SUDO pecl uninstall smtp >"$work/pecl-uninstall.out" 2>&1 && [ ! -f "$ext_dir/smtp.so" ] \
	&& ! pecl list 2>/dev/null | grep -q '^smtp '; then
	installed=0
	ok "pecl uninstall: the system PHP is as before"
else
	cat "$work/pecl-uninstall.out"
	bad "pecl uninstall"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
