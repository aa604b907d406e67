# The command-line tools, one fragment each.
include tools/ctl.mk
include tools/decrypt.mk
