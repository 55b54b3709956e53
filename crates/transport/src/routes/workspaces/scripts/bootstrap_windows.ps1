# Starts a Coder workspace agent on Windows: fetches the agent binary from the deployment and
# runs it. The agent token comes from the environment ($env:CODER_AGENT_TOKEN).
$ErrorActionPreference = "Stop"
$ProgressPreference = "SilentlyContinue"

$dir = Join-Path $env:TEMP "coder-agent"
New-Item -ItemType Directory -Force -Path $dir | Out-Null
$binary = Join-Path $dir "coder.exe"
$url = "${ACCESS_URL}bin/coder-windows-${ARCH}.exe"

while ($true) {
    try {
        Invoke-WebRequest -Uri $url -OutFile $binary -UseBasicParsing
        break
    } catch {
        Write-Output "failed to download the agent from ${url}; retrying in 30 seconds"
        Start-Sleep -Seconds 30
    }
}

$env:CODER_AGENT_AUTH = "${AUTH_TYPE}"
$env:CODER_AGENT_URL = "${ACCESS_URL}"
Start-Process -FilePath $binary -ArgumentList "agent" -NoNewWindow -Wait
