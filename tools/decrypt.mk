# Build rules for edgesupport-decrypt, included by tools/local.mk.
