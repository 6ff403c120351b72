#!/usr/bin/env bash
# Packs every library in src/ into a temporary local feed and uses the packages the way a new user would:
#   1. dotnet pack (Release, ContinuousIntegrationBuild) with a version of its own, <VersionPrefix>-smoke.<time>.<pid>,
#      so no package left in any cache by an earlier pack can stand in for this one;
#   2. checks each .nupkg/.snupkg (.ci/pack-smoke/CheckPackages.cs: metadata, README, licence, repository and commit,
#      XML docs, deterministic DLL, matching PDB with SourceLink);
#   3. `dotnet new console` + `dotnet add package MixAug`, runs .ci/pack-smoke/ConsoleSmoke.cs and checks its line;
#   4. a new NUnit project + `dotnet add package MixAug.Testing`, runs .ci/pack-smoke/NUnitSmoke.cs (2 tests);
#   5. a new console project with MixAug.TorchSharp + TorchSharp-cpu whose first statement is a torch call
#      (.ci/pack-smoke/TorchFirstSmoke.cs): the package's module initializer must make TorchSharp loadable first.
# Every project lives in a temporary folder outside the repository (no Directory.Build.props applies) and restores
# into a temporary packages folder; the machine's own NuGet folder is only read, as a fallback for third-party
# packages. Everything is deleted at the end, so nothing is left on the machine. Exit code 0 only if every step passed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

start=$SECONDS
step() { echo "pack-smoke: $* ($((SECONDS - start)) s)"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mixaug-pack-smoke.XXXXXX")
# Inside the repository (ignored by .gitignore), so the compiler's /_/ path map also covers the PDB path in each DLL.
artifacts="$root/artifacts/pack-smoke-$$"
cleanup() {
  [ -n "${KEEP_SMOKE:-}" ] || rm -rf "$work" "$artifacts"
  rmdir "$root/artifacts" 2>/dev/null || true
}
trap cleanup EXIT

feed="$work/feed"
suffix="smoke.$(date -u +%Y%m%d%H%M%S).$$"
commit=$(git rev-parse HEAD)
# Read before NUGET_PACKAGES is pointed elsewhere: where this machine's restores keep packages.
machine_packages=$(dotnet nuget locals global-packages --list | sed -e 's/^global-packages: //')

step "packing src/ at $commit"
dotnet pack MixAug.sln -c Release -o "$feed" --artifacts-path "$artifacts" -nologo -v:q \
  -p:VersionSuffix="$suffix" -p:ContinuousIntegrationBuild=true
# The version is src/Directory.Build.props's VersionPrefix plus the suffix: read it off the core package's file name.
core=$(basename "$(ls "$feed"/MixAug.[0-9]*-"$suffix".nupkg)" .nupkg)
version=${core#MixAug.}
ids=()
for project in src/*/*.csproj; do
  ids+=("$(basename "$project" .csproj)")
done

# A private NuGet world for the projects below: the local feed on top of the configured feeds, a fresh packages folder.
export NUGET_PACKAGES="$work/packages"
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$work/packages" />
  </config>
  <packageSources>
    <add key="mixaug-smoke" value="$feed" />
  </packageSources>
  <fallbackPackageFolders>
    <add key="machine" value="$machine_packages" />
  </fallbackPackageFolders>
</configuration>
XML

step "checking ${#ids[@]} packages of version $version"
mkdir -p "$work/check"
cat > "$work/check/CheckPackages.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
</Project>
XML
cp .ci/pack-smoke/CheckPackages.cs "$work/check/"
dotnet run --project "$work/check" -c Release -- "$feed" "$version" "$commit" "${ids[@]}"

step "console app from the MixAug package"
dotnet new console -o "$work/console" -n SmokeConsole --no-restore >/dev/null
rm "$work/console/Program.cs"
cp .ci/pack-smoke/ConsoleSmoke.cs "$work/console/"
dotnet add "$work/console/SmokeConsole.csproj" package MixAug --version "$version" >/dev/null
line=$(dotnet run --project "$work/console" -c Release | tail -n 1)
echo "$line"
expected="pack smoke: 16 samples mixed, [1-9][0-9]* changed, pixels agree with labels: 16/16"
if ! [[ "$line" =~ ^$expected$ ]]; then
  echo "pack-smoke: the console app printed '$line', expected '$expected'" >&2
  exit 1
fi

step "NUnit project from the MixAug.Testing package"
# The test framework versions are the repository's own pins (its tests restored them already): nothing to download.
pin() { sed -n "s/.*PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" Directory.Packages.props; }
mkdir -p "$work/tests"
cat > "$work/tests/SmokeTests.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <IsPackable>false</IsPackable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="$(pin Microsoft.NET.Test.Sdk)" />
    <PackageReference Include="NUnit" Version="$(pin NUnit)" />
    <PackageReference Include="NUnit3TestAdapter" Version="$(pin NUnit3TestAdapter)" />
  </ItemGroup>
</Project>
XML
cp .ci/pack-smoke/NUnitSmoke.cs "$work/tests/"
dotnet add "$work/tests/SmokeTests.csproj" package MixAug.Testing --version "$version" >/dev/null
dotnet test "$work/tests/SmokeTests.csproj" 2>&1 | tee "$work/tests.log"
if ! grep -qE '^Passed! +- +Failed: +0, Passed: +2, Skipped: +0, Total: +2' "$work/tests.log"; then
  echo "pack-smoke: the NUnit project did not run and pass exactly its 2 tests" >&2
  exit 1
fi

step "console app that calls torch before MixAug"
dotnet new console -o "$work/torch" -n SmokeTorch --no-restore >/dev/null
rm "$work/torch/Program.cs"
cp .ci/pack-smoke/TorchFirstSmoke.cs "$work/torch/"
dotnet add "$work/torch/SmokeTorch.csproj" package MixAug.TorchSharp --version "$version" >/dev/null
dotnet add "$work/torch/SmokeTorch.csproj" package TorchSharp-cpu --version "$(pin TorchSharp-cpu)" >/dev/null
line=$(dotnet run --project "$work/torch" -c Release | tail -n 1)
echo "$line"
expected="torch first: sum 96, mixed sum 96"
if [ "$line" != "$expected" ]; then
  echo "pack-smoke: the torch-first app printed '$line', expected '$expected'" >&2
  exit 1
fi

step "passed"
