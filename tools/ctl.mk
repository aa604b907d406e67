# Build rules for edgesupport-ctl, included by tools/local.mk.
