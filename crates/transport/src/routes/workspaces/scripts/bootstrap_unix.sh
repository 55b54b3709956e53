#!/usr/bin/env sh
# Starts a Coder workspace agent: fetches the agent binary for this machine from the
# deployment, then runs it. The agent token comes from the environment (CODER_AGENT_TOKEN).
set -eu

BINARY_DIR="${BINARY_DIR:-$(mktemp -d -t coder.XXXXXX)}"
BINARY_NAME=coder
BINARY_URL="${ACCESS_URL}bin/coder-${OS}-${ARCH}"
cd "$BINARY_DIR"

fetch() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 10 --retry-delay 3 --retry-connrefused "$BINARY_URL" -o "$BINARY_NAME"
	elif command -v wget >/dev/null 2>&1; then
		wget -q "$BINARY_URL" -O "$BINARY_NAME"
	else
		echo "error: neither curl nor wget is available to download the agent" >&2
		exit 1
	fi
}

until fetch; do
	echo "failed to download the agent from $BINARY_URL; retrying in 30 seconds" >&2
	sleep 30
done
chmod +x "$BINARY_NAME"

export CODER_AGENT_AUTH="${AUTH_TYPE}"
export CODER_AGENT_URL="${ACCESS_URL}"
exec ./"$BINARY_NAME" agent
