# -*- coding: utf-8 -*-
"""A Jython stand-in for the wsaccel package (Cython accelerators for AutobahnPython).

autobahn's xormasker and utf8validator modules import wsaccel when they can and fall back to
per-byte Python loops otherwise; under Jython those loops dominate the large-message cases. These
modules keep wsaccel's interface and delegate the byte loops to Java classes in duplex-conformance
(dev.duplex.conformance.jython), so they must be on the JVM classpath.
"""
