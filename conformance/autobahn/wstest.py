# -*- coding: utf-8 -*-
"""Autobahn's wstest on Jython, with sections 12 and 13 registered and the wsaccel shim in use.

java -cp jython-standalone-2.7.2.jar:autobahntestsuite-maven-plugin-0.1.5.jar:<duplex-conformance classes> \
     org.python.util.jython wstest.py -m fuzzingclient|fuzzingserver -s spec.json
Run it from a folder that holds no autobahntestsuite/ directory of its own.
"""
import sys

import socket_speedups  # noqa: F401 (Jython's socket send/recv without per-call repr of the payload)
import compression_cases  # noqa: F401 (registers sections 12 and 13)
import zlib_speedups  # noqa: F401 (Jython's zlib draining its Deflater/Inflater in Java, not 1 KiB Python loops)
import frame_speedups  # noqa: F401 (autobahn's sendFrame with the frame's bytes built in Java)
import autobahn.utf8validator
import autobahn.xormasker
from autobahntestsuite import wstest
import zlib

# The fuzzer's own permessage-deflate (autobahn.compress_deflate) compresses at
# zlib.Z_DEFAULT_COMPRESSION. Level 1 produces the same format (any level's output is valid DEFLATE
# for the peer) about five times faster for text under Jython's java.util.zip, which is what keeps
# the 1000-message cases of sections 12 and 13 to seconds each. See docs/conformance.md.
zlib.Z_DEFAULT_COMPRESSION = 1

# autobahn falls back to per-byte Python loops without a word when wsaccel does not import
for accelerated, module in ((autobahn.xormasker.createXorMasker, "wsaccel.xormask"),
                            (autobahn.utf8validator.Utf8Validator, "wsaccel.utf8validator")):
    if getattr(accelerated, "__module__", None) != module and "dev.duplex" not in repr(accelerated):
        sys.stderr.write("wsaccel shim not in use (%r); is duplex-conformance on the classpath?\n" % (accelerated,))
        sys.exit(2)

wstest.run()
