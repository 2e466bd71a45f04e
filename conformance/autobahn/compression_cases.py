# -*- coding: utf-8 -*-
"""Autobahn|Testsuite sections 12 and 13 (permessage-deflate, RFC 7692) for Jython.

autobahntestsuite-maven-plugin 0.1.5 bundles Autobahn|Testsuite 0.5.6, whose case list stops at
section 10, although its engine (autobahn 0.6.4) already speaks permessage-deflate and the jar ships
the compression test data. This module defines the two missing sections the way later Autobahn
releases publish them -- same case ids, payload sizes, message counts, timeouts, fragment sizes,
extension offers/answers and pass rules -- and registers them with the bundled suite. Importing it
is enough; run it before the fuzzer builds its case set.

Every case: negotiate permessage-deflate with the parameters of its section, send COUNT messages of
LEN bytes taken round-robin from one data file (auto-fragmented to FRAG bytes when FRAG > 0), wait for
each echo and compare type, length and SHA-1, then close with 1000. No extension negotiated ->
UNIMPLEMENTED; a wrong echo or a timeout -> FAILED.
"""

import copy
import hashlib
import types

import pkg_resources

from autobahn.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept, \
    PerMessageDeflateResponse, PerMessageDeflateResponseAccept
from autobahntestsuite.case import Case, Cases, CaseCategories, CaseSubCategories

# (payload length, message count, timeout in seconds, auto-fragment size; 0 = one frame)
MESSAGES = [
    (16, 1000, 60, 0), (64, 1000, 60, 0), (256, 1000, 120, 0), (1024, 1000, 240, 0),
    (4096, 1000, 480, 0), (8192, 1000, 480, 0), (16384, 1000, 480, 0), (32768, 1000, 480, 0),
    (65536, 1000, 480, 0), (131072, 1000, 480, 0),
    (8192, 1000, 480, 256), (16384, 1000, 480, 256), (32768, 1000, 480, 256),
    (65536, 1000, 480, 256), (131072, 1000, 480, 256),
    (131072, 1000, 480, 1024), (131072, 1000, 480, 4096), (131072, 1000, 480, 32768),
]

# Section 12 data sets, in the order of the published 12.1 .. 12.5: (description, file, sent as binary)
DATA_SETS = [
    ("Large JSON data file", "data1.json", False),
    ("Lena Picture, Bitmap 512x512 bw", "lena512.bmp", True),
    ("Human readable text, Goethe's Faust I (German)", "pg2229.txt", True),
    ("Large HTML file", "data1.html", False),
    ("A larger PDF", "10.1.1.105.5439.pdf", True),
]


_data_cache = {}


def _data(name):
    """A data file shipped with the suite (inside the jar: read it as a resource, not a path)."""
    if name not in _data_cache:
        _data_cache[name] = pkg_resources.resource_string("autobahntestsuite", "testdata/" + name)
    return _data_cache[name]


def _first(offers, wanted):
    """The first permessage-deflate offer for which wanted(offer) holds, or None."""
    for o in offers:
        if isinstance(o, PerMessageDeflateOffer) and wanted(o):
            return o
    return None


class DeflateEchoCase(Case):
    """Shared behaviour; subclasses only set class attributes."""

    LEN = COUNT = WAITSECS = FRAG = 0
    DATA_FILE = None
    BINARY = True
    # fuzzer as client (testing a server): the offers sent
    OFFERS = None
    # fuzzer as server (testing a client): a list of (request no context takeover, request client
    # max window bits) answers tried in order; an answer needs the client to have offered the
    # matching client_no_context_takeover / client_max_window_bits parameters
    ANSWERS = None

    def init(self):
        self.reportTime = True
        self.reportCompressionRatio = True
        self.expectedClose = {"closedByMe": True,
                              "closeCode": [self.p.CLOSE_STATUS_CODE_NORMAL],
                              "requireClean": True}
        if self.p.factory.isServer:
            self.p.perMessageCompressionAccept = self._answer
        else:
            self.p.perMessageCompressionOffers = list(self.OFFERS)
            self.p.perMessageCompressionAccept = self._accept_response
        self.data = _data(self.DATA_FILE)
        self.pos = 0
        self.sent = 0
        self.digest = None

    def _answer(self, offers):
        for (no_context_takeover, window_bits) in self.ANSWERS:
            o = _first(offers, lambda x: (not no_context_takeover or x.acceptNoContextTakeover)
                       and (window_bits == 0 or x.acceptMaxWindowBits))
            if o is not None:
                return PerMessageDeflateOfferAccept(o, requestNoContextTakeover=no_context_takeover,
                                                    requestMaxWindowBits=window_bits)
        return None

    def _accept_response(self, response):
        if isinstance(response, PerMessageDeflateResponse):
            return PerMessageDeflateResponseAccept(response)
        return None

    def onOpen(self):
        self.p.enableWirelog(False)
        self.p.autoFragmentSize = self.FRAG
        if self.p._perMessageCompress is None:
            self.behavior = Case.UNIMPLEMENTED
            self.result = "permessage-deflate was not negotiated."
            self.p.sendClose(self.p.CLOSE_STATUS_CODE_NORMAL)
            return
        self.behavior = Case.FAILED
        self.result = "Case did not finish within %d seconds." % self.WAITSECS
        self.p.closeAfter(self.WAITSECS)
        self._send_next()

    def _send_next(self):
        n = len(self.data)
        end = (self.pos + self.LEN) % n
        if end > self.pos:
            msg = self.data[self.pos:end]
        else:
            msg = self.data[self.pos:] + self.data[:end]
        self.pos = end
        self.digest = hashlib.sha1(msg).digest()
        self.sent += 1
        self.p.sendMessage(msg, self.BINARY)

    def onMessage(self, msg, binary):
        problem = None
        if binary != self.BINARY:
            problem = "Echo'ed message type differs from what I sent (got binary %s, expected binary %s)." \
                % (binary, self.BINARY)
        elif len(msg) != self.LEN:
            problem = "Echo'ed message length differs from what I sent (got %d, expected %d)." \
                % (len(msg), self.LEN)
        elif hashlib.sha1(msg).digest() != self.digest:
            problem = "Echo'ed message contents differ from what I sent (SHA-1 mismatch)."
        if problem is not None:
            self.behavior = Case.FAILED
            self.result = problem
            self.p.enableWirelog(True)
            self.p.sendClose(self.p.CLOSE_STATUS_CODE_NORMAL)
        elif self.sent < self.COUNT:
            self._send_next()
        else:
            self.behavior = Case.OK
            self.result = "Ok, received all echo'ed messages in time."
            self.trafficStats = copy.deepcopy(self.p.trafficStats)
            self.p.enableWirelog(True)
            self.p.sendClose(self.p.CLOSE_STATUS_CODE_NORMAL)


def _offer(no_context_takeover, window_bits):
    return PerMessageDeflateOffer(requestNoContextTakeover=no_context_takeover,
                                  requestMaxWindowBits=window_bits)


# Section 13: (client offers, server answers) as (request no context takeover, request max window bits)
# pairs; 0 window bits = parameter absent. All cases echo the JSON data set.
DEFLATE_PARAMETERS = [
    ([(False, 0)], [(False, 0)]),
    ([(True, 0)], [(True, 0)]),
    ([(False, 8)], [(False, 8)]),
    ([(False, 15)], [(False, 15)]),
    ([(True, 8)], [(True, 8)]),
    ([(True, 15)], [(True, 15)]),
    ([(True, 8), (True, 0), (False, 0)], [(True, 8), (True, 0), (False, 0)]),
]


def _describe(kind, name, binary):
    return "%s (%s, %d bytes)" % (kind, "binary" if binary else "utf8", len(_data(name)))


def _define(section, sub, desc_suffix, data_set, offers, answers):
    kind, name, binary = data_set
    defined = []
    for i, (length, count, waitsecs, frag) in enumerate(MESSAGES):
        # Case is a classic (old-style) class, so its subclasses are made with ClassType
        cls = types.ClassType("Case%d_%d_%d" % (section, sub, i + 1), (DeflateEchoCase,), {
            "LEN": length, "COUNT": count, "WAITSECS": waitsecs, "FRAG": frag,
            "DATA_FILE": name, "BINARY": binary,
            "OFFERS": [_offer(nct, bits) for (nct, bits) in offers],
            "ANSWERS": answers,
            "DESCRIPTION": "Send %d compressed messages each of payload size %d, auto-fragment to %d octets. %s"
                           % (count, length, frag, desc_suffix),
            "EXPECTATION": "Receive echo'ed messages (with payload as sent). Timeout case after %d secs."
                           % waitsecs,
        })
        defined.append(cls)
    return defined


def register():
    """Adds sections 12 and 13 to the bundled suite's case list (idempotent)."""
    if "13" in CaseCategories:
        return
    CaseCategories["12"] = "WebSocket Compression (different payloads)"
    CaseCategories["13"] = "WebSocket Compression (different parameters)"
    for j, data_set in enumerate(DATA_SETS):
        CaseSubCategories["12.%d" % (j + 1)] = _describe(*data_set)
        Cases.extend(_define(12, j + 1, "Use default permessage-deflate offer.", data_set,
                             [(False, 0)], [(False, 0)]))
    for j, (offers, answers) in enumerate(DEFLATE_PARAMETERS):
        params = "client offers (requestNoContextTakeover, requestMaxWindowBits): %s / server accept " \
                 "(requestNoContextTakeover, requestMaxWindowBits): %s" % (offers, answers)
        CaseSubCategories["13.%d" % (j + 1)] = _describe(*DATA_SETS[0]) + " - " + params
        Cases.extend(_define(13, j + 1, "Use permessage-deflate " + params + ".", DATA_SETS[0],
                             offers, answers))


register()
