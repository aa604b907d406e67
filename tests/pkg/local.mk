# Tests for the pkg area, included by tests/local.mk.
# pkg-test.sh builds the Debian packages and installs, upgrades and purges
# them in throwaway roots (overlays of / in private namespaces). It needs
# root, dpkg-buildpackage with the build dependencies, pamtester and
# overlayfs, skips (exit 77) without them, and takes about a minute.
dist_check_SCRIPTS += tests/pkg/pkg-test.sh
TESTS += tests/pkg/pkg-test.sh
