#!/usr/bin/env bash
# Makes the console's pictures in this folder from the browser tests: each test saves the view
# it has just checked. Needs chromium and chromedriver (Debian: apt-get install chromium
# chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONSOLE_SCREENSHOTS="$PWD/docs/console" MOCK_BROWSER_TESTS=require \
  cargo test -p mock-server --test console -- --test-threads=1
ls -l docs/console/*.png
