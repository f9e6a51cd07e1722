#!/usr/bin/env python3
"""Writes docs/protocol-vectors.json, the byte-level test vectors of the RxStreams wire protocol.

This encoder is deliberately independent of the .NET codec (src/RxStreams/Protocol): the .NET tests and the
browser client's tests check their decoders and encoders against what it writes. Run it from anywhere:

    python3 tests/RxStreams.Tests/Protocol/protocol-vectors.py

and commit the regenerated file. The output is deterministic. See docs/protocol.md, "Test vectors".
"""

import json
import os

DEFAULT_MAX_FRAME_SIZE = 64 * 1024
U32_MAX = 2**32 - 1
JS_SAFE_MAX = 2**53 - 1

TYPES = {
    "hello": 0x01, "welcome": 0x02, "open": 0x03, "next": 0x04, "complete": 0x05,
    "error": 0x06, "cancel": 0x07, "request": 0x08, "ping": 0x09, "pong": 0x0A,
}


# ---- primitives --------------------------------------------------------------------------------------------

def varint(n):
    assert n >= 0
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def string(s):
    b = s.encode("utf-8")
    return varint(len(b)) + b


def offset(text):
    major, minor = (int(p) for p in text.split("-"))
    assert 0 <= major <= JS_SAFE_MAX and 0 <= minor <= JS_SAFE_MAX, "vectors stay within 2^53-1 for JavaScript"
    return varint(major) + varint(minor)


def body(f):
    """The bytes of one frame (without its length prefix) from its JSON description."""
    t = f["type"]
    out = bytearray([TYPES[t]])
    if t == "hello":
        out += varint(f["version"]) + string(f["sessionId"])
    elif t == "welcome":
        out += varint(f["version"]) + string(f["sessionId"])
        out.append(0x01 if f["resumed"] else 0x00)
        out += varint(f["keepAliveMilliseconds"]) + varint(f["maxFrameSize"])
    elif t == "open":
        flags = (0x01 if "offset" in f else 0) | (0x02 if "payload" in f else 0)
        out += varint(f["streamId"]) + bytes([flags]) + string(f["route"])
        if "offset" in f:
            out += offset(f["offset"])
        out += varint(f["credits"])
        if "payload" in f:
            out += f["payload"].encode("utf-8")
    elif t == "next":
        out += varint(f["streamId"]) + bytes([0x01 if "offset" in f else 0x00])
        if "offset" in f:
            out += offset(f["offset"])
        out += f["payload"].encode("utf-8")
    elif t in ("complete", "cancel"):
        out += varint(f["streamId"])
    elif t == "error":
        out += varint(f["streamId"]) + bytes([0x01 if "offset" in f else 0x00])
        out += string(f["code"]) + string(f["message"])
        if "offset" in f:
            out += offset(f["offset"])
    elif t == "request":
        out += varint(f["streamId"]) + varint(f["n"])
    elif t in ("ping", "pong"):
        pass
    else:
        raise ValueError(t)
    return bytes(out)


def message(frames):
    out = bytearray()
    for f in frames:
        b = body(f)
        out += varint(len(b)) + b
    return bytes(out)


def prefixed(b):
    """A frame body (raw bytes) with its length prefix."""
    return varint(len(b)) + b


# ---- frame builders (JSON objects) ---------------------------------------------------------------------------

def hello(version, session_id):
    return {"type": "hello", "version": version, "sessionId": session_id}


def welcome(version, session_id, resumed, keepalive, max_frame_size):
    return {"type": "welcome", "version": version, "sessionId": session_id, "resumed": resumed,
            "keepAliveMilliseconds": keepalive, "maxFrameSize": max_frame_size}


def open_(stream_id, route, credits, offset=None, payload=None):
    f = {"type": "open", "streamId": stream_id, "route": route}
    if offset is not None:
        f["offset"] = offset
    f["credits"] = credits
    if payload is not None:
        f["payload"] = payload
    return f


def next_(stream_id, payload, offset=None):
    f = {"type": "next", "streamId": stream_id}
    if offset is not None:
        f["offset"] = offset
    f["payload"] = payload
    return f


def complete(stream_id):
    return {"type": "complete", "streamId": stream_id}


def error(stream_id, code, msg, offset=None):
    f = {"type": "error", "streamId": stream_id, "code": code, "message": msg}
    if offset is not None:
        f["offset"] = offset
    return f


def cancel(stream_id):
    return {"type": "cancel", "streamId": stream_id}


def request(stream_id, n):
    return {"type": "request", "streamId": stream_id, "n": n}


def ping():
    return {"type": "ping"}


def pong():
    return {"type": "pong"}


# ---- valid vectors -------------------------------------------------------------------------------------------

T = "1700000000000-3"  # a Redis-Stream-like offset: Unix milliseconds and a sequence

valid = []


def v(name, *frames, max_frame_size=None):
    entry = {"name": name, "hex": message(frames).hex(), "frames": list(frames)}
    if max_frame_size is not None:
        entry["maxFrameSize"] = max_frame_size
        assert len(message(frames)) <= max_frame_size
    valid.append(entry)


# HELLO
v("hello: new session (empty session id)", hello(1, ""))
v("hello: resume a session", hello(1, "s_9f86d081884c7d65"))
v("hello: another version (the codec reads it; the server answers unsupported_version)", hello(2, ""))
v("hello: version u32 max", hello(U32_MAX, ""))

# WELCOME
v("welcome: new session", welcome(1, "s_9f86d081884c7d65", False, 15000, DEFAULT_MAX_FRAME_SIZE))
v("welcome: resumed", welcome(1, "s_9f86d081884c7d65", True, 15000, DEFAULT_MAX_FRAME_SIZE))
v("welcome: no keepalive, u32 max frame size, empty session id", welcome(1, "", False, 0, U32_MAX))

# OPEN
v("open: subscription, no offset, no payload", open_(1, "chat/lobby", 256))
v("open: resume from an offset, unbounded credits", open_(3, "chat/lobby", U32_MAX, offset=T))
v("open: request with a payload", open_(5, "calc/add", 1, payload='{"a":1,"b":2}'))
v("open: HAS_PAYLOAD with an empty payload", open_(7, "ping/me", 1, payload=""))
v("open: offset and payload", open_(9, "chat/lobby", 64, offset=T, payload='{"text":"back"}'))
v("open: zero credits", open_(11, "feed/prices", 0))
v("open: offset 0-0 (everything the channel still holds)", open_(13, "chat/lobby", 100, offset="0-0"))
v("open: offset parts at 2^53-1", open_(15, "chat/lobby", 100, offset=f"{JS_SAFE_MAX}-{JS_SAFE_MAX}"))
v("open: multi-byte UTF-8 route (2, 3 and 4-byte sequences)", open_(17, "chat/caf\u00e9-\u2615-\U0001D11E", 10))
v("open: route starting with U+FEFF (kept, not stripped as a BOM)", open_(19, "\ufeffchat/bom", 10))
v("open: empty route (the codec reads it; the server answers bad_route_value)", open_(21, "", 10))
v("open: 127-byte route (1-byte length)", open_(23, "r/" + "a" * 125, 1))
v("open: 128-byte route (2-byte length)", open_(25, "r/" + "a" * 126, 1))
v("open: stream id u32 max", open_(U32_MAX, "chat/lobby", 1))
v("open: server-opened stream (even id) with a payload", open_(2, "calc/mul", 1, payload='{"x":6,"y":7}'))

# NEXT
v("next: no offset", next_(1, '{"text":"hi"}'))
v("next: with an offset", next_(1, '{"text":"hi"}', offset=T))
v("next: empty payload", next_(1, ""))
v("next: empty payload with an offset", next_(1, "", offset=T))
v("next: offset 0-0", next_(1, "{}", offset="0-0"))
v("next: offset parts at 2^53-1", next_(1, "{}", offset=f"{JS_SAFE_MAX}-{JS_SAFE_MAX}"))
v("next: payload that is not JSON (the codec does not look)", next_(1, "not json {"))
v("next: multi-byte UTF-8 payload", next_(1, '{"text":"h\u00e9llo \U0001F44B \u4e16\u754c"}'))
v("next: stream id 127 (1-byte varint)", next_(127, "1"))
v("next: stream id 128 (2-byte varint)", next_(128, "1"))
v("next: stream id 16384 (3-byte varint)", next_(16384, "1"))
v("next: stream id u32 max", next_(U32_MAX, "1"))
# frame lengths around the varint boundaries of the length prefix: 127 (1 byte), 128 (2 bytes), 16384 (3 bytes)
v("next: 127-byte frame (1-byte length prefix)", next_(1, "x" * 124))
v("next: 128-byte frame (2-byte length prefix)", next_(1, "x" * 125))
v("next: 16384-byte frame (3-byte length prefix)", next_(1, "y" * (16384 - 3)))

# COMPLETE, CANCEL, REQUEST, ERROR, PING, PONG
v("complete", complete(1))
v("complete: server-opened stream", complete(2))
v("complete: stream id 300", complete(300))
v("cancel", cancel(1))
v("cancel: stream id u32 max", cancel(U32_MAX))
v("request: n = 1", request(1, 1))
v("request: n = 128", request(3, 128))
v("request: n = u32 max", request(5, U32_MAX))
v("error: stream error", error(1, "route_not_found", 'No handler matches the route "chat".'))
v("error: connection error (stream id 0)", error(0, "unsupported_version", "server speaks version 1"))
v("error: not_recovered with the first offset still held", error(7, "not_recovered", "The history starts after your offset.", offset="1700000000500-0"))
v("error: empty message", error(3, "handler_error", ""))
v("error: the application's own code", error(9, "out_of_stock2", "No more seats."))
v("error: multi-byte UTF-8 message", error(11, "invalid_payload", "Caf\u00e9 \u2615 is not a number \U0001F622"))
v("error: server shutting down", error(0, "server_shutting_down", "The server is restarting."))
v("ping", ping())
v("pong", pong())

# Several frames in one WebSocket message
v("batch: three NEXT on one stream", next_(1, '{"n":1}', offset="1700000000000-0"), next_(1, '{"n":2}', offset="1700000000000-1"),
  next_(1, '{"n":3}', offset="1700000000001-0"))
v("batch: NEXT then COMPLETE (a response)", next_(5, '{"sum":3}'), complete(5))
v("batch: two OPEN and a REQUEST", open_(1, "chat/lobby", 256), open_(3, "presence/lobby", U32_MAX), request(1, 128))
v("batch: PING and PONG", ping(), pong())
v("batch: ERROR on one stream, NEXT on another", error(3, "forbidden", "Not yours."), next_(1, "{}"))
v("batch: every frame type", hello(1, ""), welcome(1, "s", False, 15000, DEFAULT_MAX_FRAME_SIZE), open_(1, "a", 1, offset="1-2", payload="{}"),
  next_(1, "{}", offset="1-3"), complete(1), error(1, "timeout", "late"), cancel(3), request(3, 2), ping(), pong())
v("max frame size: a message of exactly the maximum", next_(1, "z" * 12), max_frame_size=16)
v("max frame size: two frames filling the maximum exactly", next_(1, "z" * 5), next_(3, "z" * 3), max_frame_size=16)


# ---- invalid vectors -----------------------------------------------------------------------------------------

invalid = []
names = set()


def x(name, data, code="protocol_error", max_frame_size=None):
    assert name not in names, name
    names.add(name)
    entry = {"name": name, "hex": data.hex(), "code": code}
    if max_frame_size is not None:
        entry["maxFrameSize"] = max_frame_size
    invalid.append(entry)


def raw(*parts):
    return b"".join(bytes(p) if isinstance(p, (list, bytearray)) else p for p in parts)


def frame(*parts):
    """A frame body from raw parts, with its correct length prefix."""
    return prefixed(raw(*parts))


OPEN_FULL = body(open_(1, "chat", 5, offset="300-2", payload="{}"))  # every OPEN field present
HELLO_FULL = body(hello(1, "abc"))
WELCOME_FULL = body(welcome(1, "abc", True, 15000, 65536))
ERROR_FULL = body(error(1, "not_recovered", "gone", offset="300-2"))

# message and length prefix
x("empty message (a message holds at least one frame)", b"")
x("zero-length frame", b"\x00")
x("zero-length frame after a valid one", message([ping()]) + b"\x00")
x("length prefix truncated", b"\x80")
x("length prefix overlong (0x81 0x00 for 1)", b"\x81\x00\x09")
x("length prefix longer than 5 bytes", b"\x80\x80\x80\x80\x80\x01")
x("length prefix above u32 max", b"\xff\xff\xff\xff\x1f" + b"\x09")
x("frame length beyond the message", b"\x05\x04\x01\x00\x7b")
x("frame length beyond the message, after a valid frame", message([ping()]) + b"\x03\x05")
x("frame declared larger than the default maximum frame size", b"\x80\x80\x04\x04\x01\x00", code="frame_too_large")
x("frame declared larger than maxFrameSize", b"\x20\x04\x01\x00", code="frame_too_large", max_frame_size=16)
x("message one byte larger than maxFrameSize", message([next_(1, "z" * 13)]), code="frame_too_large", max_frame_size=16)
x("two frames together larger than maxFrameSize", message([next_(1, "z" * 6), next_(3, "z" * 3)]), code="frame_too_large", max_frame_size=16)

# frame types
x("unknown frame type 0x00", frame([0x00]))
x("unknown frame type 0x0B", frame([0x0B]))
x("unknown frame type 0xFF", frame([0xFF, 0x01]))
x("unknown frame type after a valid frame", message([ping()]) + frame([0x0B]))

# HELLO
x("hello: truncated before the version", frame([0x01]))
x("hello: truncated before the session id", frame([0x01, 0x01]))
x("hello: session id longer than the frame", frame([0x01, 0x01, 0x05], b"ab"))
x("hello: trailing bytes", frame(HELLO_FULL, [0x00]))
x("hello: version overlong", frame([0x01, 0x81, 0x00, 0x00]))
x("hello: version above u32 max", frame([0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00]))
x("hello: version longer than 5 bytes", frame([0x01, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00]))
x("hello: session id not UTF-8", frame([0x01, 0x01, 0x02, 0xC3, 0x28]))

# WELCOME: truncated after each field, flags, trailing bytes
for cut, where in [(2, "version"), (6, "session id"), (7, "flags"), (9, "keepalive")]:
    x(f"welcome: truncated after the {where}", frame(WELCOME_FULL[:cut]))
x("welcome: truncated inside the maximum frame size", frame(WELCOME_FULL[:-1]))
x("welcome: unknown flag bit 0x02", frame(WELCOME_FULL[:6], [0x03], WELCOME_FULL[7:]))
x("welcome: unknown flag bit 0x80", frame(WELCOME_FULL[:6], [0x80], WELCOME_FULL[7:]))
x("welcome: trailing bytes", frame(WELCOME_FULL, [0x00]))
x("welcome: keepalive above u32 max", frame(WELCOME_FULL[:7], [0xff, 0xff, 0xff, 0xff, 0x7f], WELCOME_FULL[9:]))

# OPEN: OPEN_FULL = 03 | 01 | 03 | 04 'chat' | ac 02 02 | 05 | '{}'
assert OPEN_FULL == bytes([0x03, 0x01, 0x03, 0x04]) + b"chat" + bytes([0xAC, 0x02, 0x02, 0x05]) + b"{}"
for cut, where in [(1, "type"), (2, "stream id"), (3, "flags"), (4, "route length"), (6, "first route bytes"),
                   (8, "route"), (9, "first offset byte"), (10, "offset major part"), (11, "offset minor part")]:
    x(f"open: truncated after the {where}", frame(OPEN_FULL[:cut]))
x("open: truncated inside the stream id", frame([0x03, 0x81]))
x("open: stream id 0", frame([0x03, 0x00, 0x00, 0x01], b"a", [0x01]))
x("open: stream id overlong (0x80 0x00)", frame([0x03, 0x80, 0x00, 0x00, 0x01], b"a", [0x01]))
x("open: stream id overlong (0x81 0x00)", frame([0x03, 0x81, 0x00, 0x00, 0x01], b"a", [0x01]))
x("open: stream id above u32 max", frame([0x03, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x01], b"a", [0x01]))
x("open: stream id longer than 5 bytes", frame([0x03, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00, 0x01], b"a", [0x01]))
x("open: unknown flag bit 0x04", frame([0x03, 0x01, 0x04, 0x01], b"a", [0x01]))
x("open: unknown flag bit 0x80", frame([0x03, 0x01, 0x80, 0x01], b"a", [0x01]))
x("open: route length beyond the frame", frame([0x03, 0x01, 0x00, 0x09], b"chat", [0x01]))
x("open: route not UTF-8 (0xFF)", frame([0x03, 0x01, 0x00, 0x01, 0xFF, 0x01]))
x("open: route not UTF-8 (overlong NUL C0 80)", frame([0x03, 0x01, 0x00, 0x02, 0xC0, 0x80, 0x01]))
x("open: route not UTF-8 (surrogate ED A0 80)", frame([0x03, 0x01, 0x00, 0x03, 0xED, 0xA0, 0x80, 0x01]))
x("open: route not UTF-8 (above U+10FFFF)", frame([0x03, 0x01, 0x00, 0x04, 0xF4, 0x90, 0x80, 0x80, 0x01]))
x("open: route not UTF-8 (sequence cut by the string end)", frame([0x03, 0x01, 0x00, 0x03, 0x61, 0xE2, 0x82, 0x01]))
x("open: route not UTF-8 (lone continuation byte)", frame([0x03, 0x01, 0x00, 0x02, 0x61, 0x80, 0x01]))
x("open: credits missing", frame([0x03, 0x01, 0x00, 0x01], b"a"))
x("open: credits above u32 max", frame([0x03, 0x01, 0x00, 0x01], b"a", [0x80, 0x80, 0x80, 0x80, 0x10]))
x("open: credits longer than 5 bytes", frame([0x03, 0x01, 0x00, 0x01], b"a", [0xFF, 0xFF, 0xFF, 0xFF, 0x8F, 0x00]))
x("open: credits overlong", frame([0x03, 0x01, 0x00, 0x01], b"a", [0x80, 0x00]))
x("open: trailing bytes without HAS_PAYLOAD", frame([0x03, 0x01, 0x00, 0x01], b"a", [0x01], b"{}"))
x("open: offset major overlong", frame([0x03, 0x01, 0x01, 0x01], b"a", [0x80, 0x00, 0x00, 0x01]))
x("open: offset major longer than 10 bytes", frame([0x03, 0x01, 0x01, 0x01], b"a", [0x80] * 10 + [0x01, 0x00, 0x01]))
x("open: offset major above u64 max", frame([0x03, 0x01, 0x01, 0x01], b"a", [0xFF] * 9 + [0x02, 0x00, 0x01]))
x("open: offset minor overlong", frame([0x03, 0x01, 0x01, 0x01], b"a", [0x01, 0xFF, 0x00, 0x01]))
x("open: offset minor longer than 10 bytes", frame([0x03, 0x01, 0x01, 0x01], b"a", [0x01] + [0xFF] * 10 + [0x01, 0x01]))
x("open: offset minor above u64 max", frame([0x03, 0x01, 0x01, 0x01], b"a", [0x01] + [0x80] * 9 + [0x7F, 0x01]))

# NEXT
x("next: truncated before the stream id", frame([0x04]))
x("next: truncated before the flags", frame([0x04, 0x01]))
x("next: stream id 0", frame([0x04, 0x00, 0x00], b"{}"))
x("next: stream id above u32 max", frame([0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0x00]))
x("next: unknown flag bit 0x02", frame([0x04, 0x01, 0x02], b"{}"))
x("next: unknown flag bit 0x40", frame([0x04, 0x01, 0x41, 0x01, 0x01], b"{}"))
x("next: HAS_OFFSET without an offset", frame([0x04, 0x01, 0x01]))
x("next: HAS_OFFSET with only the major part", frame([0x04, 0x01, 0x01, 0x05]))
x("next: offset major truncated", frame([0x04, 0x01, 0x01, 0xAC]))
x("next: offset minor truncated", frame([0x04, 0x01, 0x01, 0x05, 0x80]))
x("next: offset minor overlong", frame([0x04, 0x01, 0x01, 0x05, 0x80, 0x80, 0x00]))

# COMPLETE, CANCEL
x("complete: truncated before the stream id", frame([0x05]))
x("complete: stream id 0", frame([0x05, 0x00]))
x("complete: trailing bytes", frame([0x05, 0x01, 0x00]))
x("complete: stream id overlong", frame([0x05, 0x81, 0x00]))
x("cancel: truncated before the stream id", frame([0x07]))
x("cancel: stream id 0", frame([0x07, 0x00]))
x("cancel: trailing bytes", frame([0x07, 0x01, 0x01]))

# REQUEST
x("request: truncated before the stream id", frame([0x08]))
x("request: truncated before n", frame([0x08, 0x01]))
x("request: n = 0", frame([0x08, 0x01, 0x00]))
x("request: stream id 0", frame([0x08, 0x00, 0x01]))
x("request: n above u32 max", frame([0x08, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10]))
x("request: n overlong", frame([0x08, 0x01, 0x81, 0x00]))
x("request: trailing bytes", frame([0x08, 0x01, 0x01, 0x01]))

# ERROR: ERROR_FULL = 06 | 01 | 01 | 0d 'not_recovered' | 04 'gone' | ac 02 02
assert ERROR_FULL[:4] == bytes([0x06, 0x01, 0x01, 0x0D])
for cut, where in [(1, "type"), (2, "stream id"), (3, "flags"), (10, "first code bytes"), (17, "code"),
                   (20, "first message bytes"), (22, "message"), (23, "first offset byte"), (24, "offset major part")]:
    x(f"error: truncated after the {where}", frame(ERROR_FULL[:cut]))
x("error: stream id above u32 max", frame([0x06, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x01], b"x", [0x00]))
x("error: unknown flag bit 0x02", frame([0x06, 0x01, 0x02, 0x01], b"x", [0x00]))
x("error: HAS_OFFSET without an offset", frame([0x06, 0x01, 0x01, 0x01], b"x", [0x00]))
x("error: trailing bytes without HAS_OFFSET", frame([0x06, 0x01, 0x00, 0x01], b"x", [0x00, 0x00]))
x("error: trailing bytes after the offset", frame(ERROR_FULL, [0x00]))
x("error: empty code", frame([0x06, 0x01, 0x00, 0x00, 0x00]))
x("error: code with upper-case letters", frame([0x06, 0x01, 0x00], string("Protocol_Error"), [0x00]))
x("error: code starting with an underscore", frame([0x06, 0x01, 0x00], string("_oops"), [0x00]))
x("error: code starting with a digit", frame([0x06, 0x01, 0x00], string("1oops"), [0x00]))
x("error: code with a dash", frame([0x06, 0x01, 0x00], string("not-found"), [0x00]))
x("error: code with a space", frame([0x06, 0x01, 0x00], string("not found"), [0x00]))
x("error: code with a non-ASCII letter", frame([0x06, 0x01, 0x00], string("caf\u00e9"), [0x00]))
x("error: code not UTF-8", frame([0x06, 0x01, 0x00, 0x02, 0x61, 0xFF, 0x00]))
x("error: message not UTF-8", frame([0x06, 0x01, 0x00], string("timeout"), [0x03, 0x61, 0xED, 0xBF]))
x("error: message length beyond the frame", frame([0x06, 0x01, 0x00], string("timeout"), [0x09, 0x61]))

# PING, PONG
x("ping: trailing bytes", frame([0x09, 0x00]))
x("pong: trailing bytes", frame([0x0A, 0x01, 0x02]))

# a valid frame followed by a broken one: the error surfaces on the second
x("batch: NEXT then a truncated NEXT", message([next_(1, "{}")]) + frame([0x04, 0x01]))
x("batch: NEXT then a REQUEST of 0", message([next_(1, "{}")]) + frame([0x08, 0x01, 0x00]))


# ---- output --------------------------------------------------------------------------------------------------

def dump(doc):
    """JSON with one vector per block and one frame per line, so diffs stay readable."""
    lines = ["{"]
    lines.append(f'  "version": {doc["version"]},')
    lines.append(f'  "description": {json.dumps(doc["description"], ensure_ascii=False)},')
    lines.append(f'  "defaultMaxFrameSize": {doc["defaultMaxFrameSize"]},')
    lines.append('  "valid": [')
    for i, e in enumerate(doc["valid"]):
        lines.append("    {")
        lines.append(f'      "name": {json.dumps(e["name"], ensure_ascii=False)},')
        if "maxFrameSize" in e:
            lines.append(f'      "maxFrameSize": {e["maxFrameSize"]},')
        lines.append(f'      "hex": "{e["hex"]}",')
        lines.append('      "frames": [')
        frames = [json.dumps(f, ensure_ascii=False, separators=(", ", ": ")) for f in e["frames"]]
        lines.append(",\n".join("        " + f for f in frames))
        lines.append("      ]")
        lines.append("    }" + ("," if i < len(doc["valid"]) - 1 else ""))
    lines.append("  ],")
    lines.append('  "invalid": [')
    for i, e in enumerate(doc["invalid"]):
        fields = json.dumps(e, ensure_ascii=False, separators=(", ", ": "))
        lines.append("    " + fields + ("," if i < len(doc["invalid"]) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    # Invisible characters stay escaped so that no editor drops or adds them.
    return ("\n".join(lines) + "\n").replace("\ufeff", "\\ufeff")


doc = {
    "version": 1,
    "description": "RxStreams wire protocol test vectors (docs/protocol.md). 'hex' is a whole WebSocket message, "
                   "length prefixes included. Decode a message by reading frames until it is empty; a message with no "
                   "frame is a protocol_error. Invalid vectors use defaultMaxFrameSize unless they give maxFrameSize. "
                   "Generated by tests/RxStreams.Tests/Protocol/protocol-vectors.py.",
    "defaultMaxFrameSize": DEFAULT_MAX_FRAME_SIZE,
    "valid": valid,
    "invalid": invalid,
}

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
path = os.path.join(root, "docs", "protocol-vectors.json")
text = dump(doc)
json.loads(text)  # well-formed
with open(path, "w", encoding="utf-8", newline="\n") as f:
    f.write(text)
print(f"{path}: {len(valid)} valid, {len(invalid)} invalid")
