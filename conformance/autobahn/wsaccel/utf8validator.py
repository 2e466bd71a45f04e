# -*- coding: utf-8 -*-
"""wsaccel.utf8validator for Jython: incremental fail-fast UTF-8 validation in Java."""
from dev.duplex.conformance.jython import Utf8Validator
