# -*- coding: utf-8 -*-
"""wsaccel.xormask for Jython: masking (RFC 6455 5.3) in Java."""
from dev.duplex.conformance.jython import XorMasker as _JavaXorMasker


class XorMaskerNull(object):
    """The identity masker autobahn uses for unmasked frames."""

    def __init__(self, mask=None):
        self.ptr = 0

    def pointer(self):
        return self.ptr

    def reset(self):
        self.ptr = 0

    def process(self, data):
        self.ptr += len(data)
        return data


def createXorMasker(mask, length=None):
    return _JavaXorMasker(mask)
