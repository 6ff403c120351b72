#!/usr/bin/env bash
# Records the public API of every package in its PublicAPI.Unshipped.txt (Microsoft.CodeAnalysis.PublicApiAnalyzers).
# The build fails with RS0016 (a public member not listed) or RS0017 (a listed member gone) until the files match the
# code; run this after changing a package's public API on purpose, and review the diff of the .txt files: it is the
# change a user of the package sees. At a release, move the Unshipped lines into PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity info
  # dotnet format appends; keep the files sorted so a change is one line in a diff.
  for file in "$(dirname "$project")"/PublicAPI.*.txt; do
    { head -n 1 "$file"; tail -n +2 "$file" | LC_ALL=C sort -u; } > "$file.tmp" && mv "$file.tmp" "$file"
  done
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt'
