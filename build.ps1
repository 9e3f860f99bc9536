#!/usr/bin/env pwsh
# Thin wrapper over the dotnet commands that README.md documents; each target is one dotnet call.
[CmdletBinding()]
param(
    [ValidateSet('build', 'test', 'publish', 'run')]
    [string] $Target = 'build',
    [string] $Configuration = 'Release',
    [string] $Runtime = ''
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

switch ($Target) {
    'build' { dotnet build Tap.sln -c $Configuration }
    'test' { dotnet test Tap.sln -c $Configuration }
    'run' { dotnet run --project sidecar -c $Configuration -- serve }
    'publish' {
        # A runtime identifier turns on ReadyToRun (sidecar/Tap.Sidecar.csproj; docs/benchmarks.md "Cold start"):
        # this machine's for a framework-dependent publish, the one given for a self-contained one.
        $rid = if ($Runtime) { $Runtime } else { [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier }
        $selfContained = if ($Runtime) { 'true' } else { 'false' }
        dotnet publish sidecar -c $Configuration -r $rid --self-contained $selfContained -o artifacts/tap
    }
}
exit $LASTEXITCODE
