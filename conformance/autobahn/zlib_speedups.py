# -*- coding: utf-8 -*-
"""Jython's zlib module with its two drain loops in Java.

Jython 2.7.2's zlib.py wraps java.util.zip, but drains the Deflater and Inflater 1 KiB at a time in
Python (_get_deflate_data, _get_inflate_data): every kilobyte becomes a Java string written to a
cStringIO. The fuzzer's permessage-deflate (autobahn.compress_deflate) goes through
compressobj.compress/flush and decompressobj.decompress, which call those two functions for every
message; in sections 12 and 13 that is 1000 messages of up to 128 KiB per case.

This module swaps the two module functions for ones that make the same calls on the same
Deflater/Inflater with the same flush modes and stopping rules in Java
(dev.duplex.conformance.jython.ZlibLoops), so compressobj and decompressobj keep all their own
logic (levels, gzip, unused_data, unconsumed_tail, errors) and return the same bytes.
"""

import zlib

from java.util.zip import DataFormatException, Deflater
from dev.duplex.conformance.jython import ZlibLoops


def _get_deflate_data(deflater, mode=zlib.Z_NO_FLUSH):
    return ZlibLoops.deflate(deflater, zlib._zlib_to_deflater.get(mode, Deflater.NO_FLUSH))


def _get_inflate_data(inflater, max_length=0):
    try:
        return ZlibLoops.inflate(inflater, max_length)
    except DataFormatException, e:
        raise zlib.error(str(e))


def install():
    """Idempotent."""
    zlib._get_deflate_data = _get_deflate_data
    zlib._get_inflate_data = _get_inflate_data


install()
