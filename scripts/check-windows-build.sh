#!/usr/bin/env bash
# check-windows-build.sh - compiles the binding (every source config.w32 lists, smtp.c included) for
# Windows with mingw-w64, against PHP's headers as a Windows build sees them: Debian's php-dev headers,
# plus stand-ins of our own for the Windows-only headers they include (main/config.w32.h, win32/*.h),
# under scripts/win32-headers/ (see its README.md). Four builds, x64 and x86, thread-safe (ZTS) and not,
# each file an object, with -Werror and options refusing what MSVC refuses:
#   -std=c11 -pedantic-errors    GNU statement expressions, case ranges, zero-size arrays, ...
#   -Werror=vla                  variable-length arrays
#   POSIX-only headers           <unistd.h>, <strings.h>, <sys/time.h>, <dirent.h>, <pthread.h> and
#                                <libgen.h> stop the build (mingw-w64 has them, MSVC has not);
#                                <sys/socket.h>, <netinet/*.h>, <poll.h>, ... are missing in mingw too
#   ssize_t, pid_t               only PHP's own definitions (main/config.w32.h, php.h), as with MSVC
# and, by reading the sources: no __attribute__ outside PHP's macros, no strcasecmp()/strncasecmp().
# -Wno-attributes: TSRM's ZEND_TLS is __declspec(thread) on Windows, which MSVC honours and gcc for
# mingw-w64 ignores with a warning (the reading check above stands in for it on our own code).
# The protocol/ core is checked apart (protocol/tests/run-mingw.sh).
#
#   scripts/check-windows-build.sh              the checks, then the self-test below
#   scripts/check-windows-build.sh --no-self-test
#
# The self-test copies the tree, puts an #error inside an #ifdef PHP_WIN32 branch, then inside an
# #ifdef ZTS branch, and shows that the check then fails (and in the ZTS case, only in the ZTS builds).
# One line per failure, then "windows build: N passed, N failed". Without mingw-w64 it prints
# "skip: ..." and exits 0, unless CI=true (Debian: gcc-mingw-w64-x86-64 gcc-mingw-w64-i686).
# Environment: JOBS (parallel compilers, default: the number of CPUs).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
self_test=1
[ "${1:-}" = "--no-self-test" ] && self_test=0

ccs=(x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc)
for cc in "${ccs[@]}" php-config; do
	if ! command -v "$cc" >/dev/null 2>&1; then
		if [ "${CI:-}" = "true" ]; then
			echo "windows build: $cc not found"
			echo "windows build: 0 passed, 1 failed"
			exit 1
		fi
		echo "skip: $cc not found (install gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 php8.2-dev)"
		exit 0
	fi
done
php_inc=$(php-config --include-dir)
ossl_arch=$(ls -d /usr/include/*-linux-gnu/openssl 2>/dev/null | head -n 1)
if [ ! -f /usr/include/openssl/evp.h ] || [ -z "$ossl_arch" ]; then
	echo "skip: OpenSSL headers not found (install libssl-dev)"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-winbuild.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- the environment shared by every compile: generated once -----------------------------------------

gen=$work/gen
mkdir -p "$gen/posix-only" "$gen/case" "$gen/openssl/openssl"
# what gcc knows differently from MSVC: __forceinline (mingw's is extern gnu_inline), no pid_t and no
# ssize_t of the C library (PHP defines both on Windows)
cat >"$gen/prelude.h" <<'EOF'
#include <_mingw.h>
#undef __forceinline
#define __forceinline __inline__
#define _PID_T_
#define _SSIZE_T_DEFINED
EOF
for h in unistd.h strings.h sys/time.h dirent.h pthread.h libgen.h; do
	mkdir -p "$gen/posix-only/$(dirname "$h")"
	printf '#error "<%s> is POSIX only: MSVC has no such header"\n' "$h" >"$gen/posix-only/$h"
done
# PHP's headers name Windows SDK headers in mixed case (<Ws2tcpip.h>); mingw-w64's files are lower case
for h in Ws2tcpip.h Winsock2.h WinSock2.h Windows.h Wincrypt.h; do
	printf '#include <%s>\n' "$(echo "$h" | tr 'A-Z' 'a-z')" >"$gen/case/$h"
done
# OpenSSL's headers are the same on Windows but for the generated configuration ones
cp /usr/include/openssl/*.h "$gen/openssl/openssl/"
cp "$ossl_arch"/*.h "$gen/openssl/openssl/"

# ---- one compile: "BUILD FILE" -> a result file --------------------------------------------------------

compile_one() { # tree build file
	local tree=$1 build=$2 file=$3 cc defs=()
	case $build in
		x64-*) cc=x86_64-w64-mingw32-gcc ;;
		x86-*) cc=i686-w64-mingw32-gcc ;;
	esac
	case $build in
		*-zts) defs+=(-DZTS=1 -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1) ;;
	esac
	local out=$work/out/$build.${file%.c}
	if (cd "$tree" && "$cc" -c -o "$out.o" -std=c11 -pedantic-errors -Wall -Wextra -Wno-unused-parameter \
		-Wno-attributes -Werror -Werror=vla -DPHP_WIN32 -DZEND_WIN32 -D_WIN32 -DWIN32 -DZEND_DEBUG=0 -DCOMPILE_DL_SMTP=1 \
		-DHAVE_SMTP=1 "${defs[@]}" -include "$gen/prelude.h" \
		-I"$gen/posix-only" -I. \
		-isystem "$gen" -isystem "$root/scripts/win32-headers/main" -isystem "$root/scripts/win32-headers" \
		-isystem "$php_inc" -isystem "$php_inc/main" -isystem "$php_inc/Zend" -isystem "$php_inc/TSRM" \
		-isystem "$php_inc/ext" -isystem "$gen/openssl" -isystem "$gen/case" \
		"$file" >"$out.err" 2>&1); then
		echo ok >"$out.res"
	else
		echo failed >"$out.res"
	fi
}

# the binding's sources: what config.w32 passes to EXTENSION()
sources_of() { # tree
	sed -n '/EXTENSION("smtp"/,/PHP_SMTP_SHARED/p' "$1/config.w32" | grep -oE 'smtp[a-z0-9_]*\.c' | sort -u
}

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "windows build: $*"; }

builds=(x64-nts x64-zts x86-nts x86-zts)

# Compile FILES of TREE in every build; prints "build file" of each failure, and its first errors.
compile_all() { # tree quiet files...
	local tree=$1 quiet=$2 b f
	shift 2
	rm -rf "$work/out"
	mkdir -p "$work/out"
	for b in "${builds[@]}"; do
		for f in "$@"; do
			printf '%s %s\n' "$b" "$f"
		done
	done | xargs -P "${JOBS:-$(nproc 2>/dev/null || echo 2)}" -L 1 bash -c "$(declare -f compile_one); work='$work' gen='$gen' root='$root' php_inc='$php_inc' compile_one '$tree' \"\$0\" \"\$1\""
	for b in "${builds[@]}"; do
		for f in "$@"; do
			if [ "$(cat "$work/out/$b.${f%.c}.res" 2>/dev/null)" = ok ]; then
				echo "ok $b $f"
			else
				echo "failed $b $f"
				[ "$quiet" = 1 ] || grep -m 3 -E 'error|Error' "$work/out/$b.${f%.c}.err" | sed 's/^/    /'
			fi
		done
	done
}

# ---- the binding, four builds --------------------------------------------------------------------------

mapfile -t sources < <(sources_of "$root")
while read -r status b f; do
	case $status in
		ok) pass ;;
		failed) fail "$b: $f does not compile" ;;
		*) echo "$status $b $f" ;; # an error line of the failure above
	esac
done < <(compile_all "$root" 0 "${sources[@]}")

# every smtp*.c of the tree is in config.w32 (a file it forgets is never compiled on Windows)
missing=$(cd "$root" && for f in smtp*.c; do printf '%s\n' "${sources[@]}" | grep -qx "$f" || echo "$f"; done)
if [ -z "$missing" ]; then pass; else fail "config.w32 does not list: $missing"; fi

# ---- what the compiler lets through and MSVC does not: read in the sources ----------------------------

binding_files=$(cd "$root" && ls smtp*.c smtp*.h php_smtp*.h)
check_grep() { # what pattern
	local hits
	hits=$(cd "$root" && grep -nE "$2" $binding_files | grep -vE '^[^:]+:[0-9]+:\s*(/?\*|//)')
	if [ -z "$hits" ]; then pass; else fail "$1:"; echo "$hits" | head -n 5 | sed 's/^/    /'; fi
}
check_grep "__attribute__ outside PHP's macros (ZEND_ATTRIBUTE_*, ZEND_COLD, ...)" '__attribute__'
check_grep "strcasecmp()/strncasecmp() (zend_binary_strcasecmp() or a loop of our own)" '\bstrn?casecmp\s*\('
check_grep "a POSIX-only header outside #ifndef PHP_WIN32" \
	'#\s*include\s*<(unistd|strings|poll|netdb|dirent|pthread|libgen|sys/(socket|time|select|un|wait)|netinet/[a-z_]+|arpa/[a-z_]+)\.h>'

# ---- self-test: a wrong line in a Windows-only or ZTS-only branch fails the check ---------------------

self_test_case() { # name file line-pattern expected-builds
	local name=$1 file=$2 pattern=$3 expect=$4 tree=$work/tree-$1 line res
	rm -rf "$tree"
	mkdir -p "$tree"
	(cd "$root" && git ls-files -z -- '*.c' '*.h' config.w32 | tar --null -T - -cf - | tar -C "$tree" -xf -)
	line=$(grep -nE "$pattern" "$tree/$file" | head -n 1 | cut -d: -f1)
	if [ -z "$line" ]; then
		fail "self-test $name: no line matching '$pattern' in $file"
		return
	fi
	sed -i "${line}a #error self-test: this branch is compiled" "$tree/$file"
	res=$(compile_all "$tree" 1 "$file" | grep '^failed' | awk '{print $2}' | sort | tr '\n' ' ')
	if [ "$res" = "$expect" ]; then
		pass
	else
		fail "self-test $name: an #error in $file after line $line failed the builds '${res% }', not '${expect% }'"
	fi
}
if [ "$self_test" = 1 ]; then
	self_test_case win32 smtp_transport.c '^#ifdef PHP_WIN32' "x64-nts x64-zts x86-nts x86-zts "
	self_test_case zts smtp.c '^#if defined\(COMPILE_DL_SMTP\) && defined\(ZTS\)' "x64-zts x86-zts "
fi

echo "windows build: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
