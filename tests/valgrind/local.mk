# The leak test and the valgrind pass, included by tests/local.mk.
# auth-cycles runs in every `make check`; `make check-valgrind` runs the
# C tests of the PAM and NSS modules and auth-cycles under valgrind and
# fails on any memory error or definitely lost block. tests/sanitize.sh
# calls it in a build of its own.
check_PROGRAMS += tests/valgrind/auth-cycles
TESTS += tests/valgrind/auth-cycles

tests_valgrind_auth_cycles_SOURCES = tests/valgrind/auth-cycles.c \
	$(pam_test_sources)
tests_valgrind_auth_cycles_CFLAGS = $(pam_test_cflags)
tests_valgrind_auth_cycles_LDADD = $(pam_test_ldadd)

# The test loads the module through libpam, so it must wait for it.
EXTRA_tests_valgrind_auth_cycles_DEPENDENCIES = \
	pam_edgesupport/pam_edgesupport.la

VALGRIND = valgrind
VALGRIND_FLAGS = --quiet --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \
	--suppressions=$(srcdir)/tests/valgrind/valgrind.supp
EXTRA_DIST += tests/valgrind/valgrind.supp tests/sanitize.sh
# valgrind reports a leak of one block, so a few hundred cycles suffice;
# a cycle takes about 25 ms under valgrind (measured on a 2-core Debian 12
# machine), because libpam loads the module anew each time.
VALGRIND_AUTH_CYCLES = 500

# Picks every C test (a name without extension) under tests/pam, tests/nss
# and tests/valgrind out of TESTS, except test-nss-threads: it forks while
# threads run, and memcheck then reports the other threads' blocks as lost
# in the child. ThreadSanitizer covers it (tests/nss/threads-tsan.sh).
check-valgrind:
	$(AM_V_at)list=; for t in $(TESTS); do \
	  case $$t in \
	  *.* | tests/nss/test-nss-threads) ;; \
	  tests/pam/* | tests/nss/* | tests/valgrind/*) list="$$list $$t" ;; \
	  esac; \
	done; \
	ES_AUTH_CYCLES=$(VALGRIND_AUTH_CYCLES) \
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$$list" \
	    LOG_COMPILER='$(LIBTOOL) --mode=execute $(VALGRIND) $(VALGRIND_FLAGS)'

.PHONY: check-valgrind
