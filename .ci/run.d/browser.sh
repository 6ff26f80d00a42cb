# Sourced by .ci/run: the headless Chromium that tests/test_demo_browser.py drives.
# Installs Debian's chromium when /usr/bin/chromium is missing (needs root or sudo).
if [ ! -x /usr/bin/chromium ]; then
    echo "browser.sh: installing chromium for the browser test" >&2
    if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
    export DEBIAN_FRONTEND=noninteractive
    $apt_get update -qq
    $apt_get install -y -qq chromium chromium-driver
    unset apt_get
fi
