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
        $publishArgs = @('publish', 'sidecar', '-c', $Configuration, '-o', 'artifacts/tap')
        if ($Runtime) { $publishArgs += @('-r', $Runtime, '--self-contained') }
        dotnet @publishArgs
    }
}
exit $LASTEXITCODE
