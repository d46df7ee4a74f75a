"""A whole board for the firmware module in the real wasmtime engine.

It implements every import of boards/ABI.md the way the Node host and the
reference C board (ports/posix) do, and prints the same JSON-lines trace, so
one hardware-in-loop test drives all three engines:

  - HTTP over http.client in worker threads (no redirects followed, TLS
    certificate and host name verification on, one completion per request);
  - flash in DATA/flash.bin, erased to 0xFF, written sector by sector;
  - AES-256-GCM sealing with a 32-byte key in DATA/seal.key (mode 0600),
    the same blob format as the other boards, through OpenSSL's libcrypto;
  - a tickless loop: it sleeps until fw_tick's deadline or the next event;
  - input as JSON lines on stdin: {"button":..}, {"say":..}, {"quit":true}.

usage: wasmtime_board.py --wasm build/firmware.wasm --config device.json
       --data DIR [--actions FILE] [--profile boards/tv.json]
       [--flash-bytes N] [--body-cap N] [--sector-bytes N] [--in-flight N]
"""
import argparse
import ctypes
import ctypes.util
import http.client
import json
import os
import queue
import ssl
import sys
import threading
import time
import urllib.parse

from wasmtime import Engine, FuncType, Linker, Module, Store, ValType, WasiConfig

I32, I64 = ValType.i32(), ValType.i64()

# ---- ABI constants (checked against boards/abi.json by test/hil/abi-conformance.test.ts)
ABI_VERSION = 1
EINVAL, ENOTSUP, EBUSY, ENOENT, EIO, ETOOSMALL, EAUTH = -1, -2, -3, -4, -5, -6, -7
CAP_DISPLAY_WIDTH = 1
CAP_DISPLAY_HEIGHT = 2
CAP_DISPLAY_FORMAT = 3
CAP_TEXT_COLS = 4
CAP_TEXT_ROWS = 5
CAP_LED_COUNT = 6
CAP_HAS_SPEAKER = 7
CAP_SEAL_OVERHEAD = 8
CAP_NET_BODY_CAP = 9
CAP_DEVICE_TYPE = 10
NET_CONNECT_FAILED, NET_TIMEOUT, NET_BODY_TOO_LARGE, NET_TLS, NET_PROTOCOL = -10, -11, -12, -13, -14
BUTTONS = {"link": 1, "unlink": 2, "action": 3}
FLASH_ERASED = 0xFF
MIN_IN_FLIGHT = 2

DEFAULT_TIMEOUT_MS = 10000
MAX_TIMEOUT_MS = 120000
RESTART_FIRST_MS, RESTART_MAX_MS = 1000, 30000
LED_PATTERNS = ["off", "solid", "blink", "pulse", "spin"]
LOG_LEVELS = ["debug", "info", "warn", "error"]
T0 = time.monotonic()


def now_ms():
    return int((time.monotonic() - T0) * 1000)


def emit(ev, **kv):
    sys.stdout.write(json.dumps({"t": now_ms(), "ev": ev, **kv}, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


# ---- sealing: AES-256-GCM through libcrypto (NIST SP 800-38D) -----------------

class Sealer:
    NONCE, TAG = 12, 16
    AAD = b"linkfw-seal-v1"
    overhead = NONCE + TAG

    def __init__(self, key_path):
        if not os.path.exists(key_path):
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, os.urandom(32))
            os.close(fd)
        with open(key_path, "rb") as f:
            self.key = f.read()
        if len(self.key) != 32:
            raise SystemExit(f"{key_path} is not a 32-byte key; remove it to make a new device identity")
        lib = ctypes.CDLL(ctypes.util.find_library("crypto") or "libcrypto.so.3")
        lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
        lib.EVP_aes_256_gcm.restype = ctypes.c_void_p
        for f in ("EVP_EncryptInit_ex", "EVP_DecryptInit_ex"):
            getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        for f in ("EVP_EncryptUpdate", "EVP_DecryptUpdate"):
            getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_int]
        for f in ("EVP_EncryptFinal_ex", "EVP_DecryptFinal_ex"):
            getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
        lib.EVP_CIPHER_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
        lib.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
        self.lib = lib

    def _run(self, encrypt, nonce, data, tag=None):
        L = self.lib
        ctx = L.EVP_CIPHER_CTX_new()
        n = ctypes.c_int(0)
        out = ctypes.create_string_buffer(len(data) + 16)
        try:
            pre = "EVP_Encrypt" if encrypt else "EVP_Decrypt"
            ok = getattr(L, pre + "Init_ex")(ctx, L.EVP_aes_256_gcm(), None, self.key, nonce) == 1
            ok = ok and getattr(L, pre + "Update")(ctx, None, ctypes.byref(n), self.AAD, len(self.AAD)) == 1
            ok = ok and getattr(L, pre + "Update")(ctx, out, ctypes.byref(n), data, len(data)) == 1
            if not encrypt:
                tbuf = ctypes.create_string_buffer(tag, self.TAG)
                ok = ok and L.EVP_CIPHER_CTX_ctrl(ctx, 0x11, self.TAG, tbuf) == 1  # EVP_CTRL_GCM_SET_TAG
            fin = ctypes.c_int(0)
            ok = ok and getattr(L, pre + "Final_ex")(ctx, ctypes.byref(out, n.value), ctypes.byref(fin)) == 1
            if not ok:
                return None
            body = out.raw[:len(data)]
            if encrypt:
                tbuf = ctypes.create_string_buffer(self.TAG)
                if L.EVP_CIPHER_CTX_ctrl(ctx, 0x10, self.TAG, tbuf) != 1:  # EVP_CTRL_GCM_GET_TAG
                    return None
                return body + tbuf.raw
            return body
        finally:
            L.EVP_CIPHER_CTX_free(ctx)

    def seal(self, plain):
        nonce = os.urandom(self.NONCE)  # fresh for every seal
        sealed = self._run(True, nonce, plain)
        return None if sealed is None else nonce + sealed

    def unseal(self, blob):
        if len(blob) < self.NONCE + self.TAG:
            return None
        return self._run(False, blob[:self.NONCE], blob[self.NONCE:-self.TAG], blob[-self.TAG:])


# ---- flash: a file, erased to 0xFF, programmed sector by sector ---------------

class Flash:
    def __init__(self, path, size, sector):
        if sector <= 0 or size % (2 * sector):
            raise SystemExit(f"flash: {size} bytes cannot hold two slots of whole {sector}-byte sectors")
        self.size, self.sector = size, sector
        fresh = not os.path.exists(path)
        self.f = open(path, "r+b" if not fresh else "w+b")
        have = os.fstat(self.f.fileno()).st_size
        if have < size:
            self.f.seek(have)
            self.f.write(bytes([FLASH_ERASED]) * (size - have))
            self.f.flush()

    def read(self, off, n):
        if off < 0 or n < 0 or off + n > self.size:
            return None
        self.f.seek(off)
        return self.f.read(n)

    def write(self, off, data):
        if off < 0 or off + len(data) > self.size:
            return EINVAL
        if not data:
            return 0
        first, last = off // self.sector, (off + len(data) - 1) // self.sector
        for s in range(first, last + 1):
            base = s * self.sector
            self.f.seek(base)
            img = bytearray(self.f.read(self.sector))
            lo, hi = max(off, base), min(off + len(data), base + self.sector)
            img[lo - base:hi - base] = data[lo - off:hi - off]
            # Erase and program of one sector; a file needs one write.
            self.f.seek(base)
            self.f.write(img)
        self.f.flush()
        return 0


# ---- network: one worker thread per request, completions through the queue ---

class Net:
    def __init__(self, events, body_cap, max_in_flight):
        self.events, self.cap, self.max = events, body_cap, max_in_flight
        self.next_id, self.live, self.epoch = 1, set(), 0
        self.lock = threading.Lock()

    def start(self, method, url, headers, body, timeout_ms):
        with self.lock:
            if len(self.live) >= self.max:
                return EBUSY
        if not method.isascii() or not method.isalpha() or not method.isupper() or len(method) > 10:
            return EINVAL
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("http", "https"):
            return ENOTSUP if u.scheme else EINVAL
        if not u.hostname:
            return EINVAL
        hdrs = []
        for line in headers.split("\r\n"):
            if not line:
                continue
            name, sep, value = line.partition(":")
            if not sep or not name.strip():
                return EINVAL
            if name.strip().lower() in ("host", "content-length", "transfer-encoding", "connection"):
                continue
            hdrs.append((name.strip(), value.strip()))
        rid = self.next_id
        self.next_id += 1  # ids are never reused while the board runs
        with self.lock:
            self.live.add(rid)
        t = (timeout_ms if timeout_ms > 0 else DEFAULT_TIMEOUT_MS) / 1000
        t = min(t, MAX_TIMEOUT_MS / 1000)
        args = (rid, self.epoch, method, u, hdrs, body, t, now_ms(), url)
        threading.Thread(target=self._run, args=args, daemon=True).start()
        return rid

    def _run(self, rid, epoch, method, u, hdrs, body, timeout, started, url):
        status, rh, data = NET_PROTOCOL, {}, b""
        deadline = time.monotonic() + timeout
        try:
            if u.scheme == "https":
                conn = http.client.HTTPSConnection(u.hostname, u.port, timeout=timeout, context=ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
            path = (u.path or "/") + ("?" + u.query if u.query else "")
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in hdrs:
                conn.putheader(k, v)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            for k, v in resp.getheaders():
                k = k.lower()
                rh[k] = rh[k] + ", " + v if k in rh else v
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError()
                c = resp.read1(65536)
                if not c:
                    break
                size += len(c)
                if size > self.cap:
                    raise OverflowError()
                chunks.append(c)
            status, data = resp.status, b"".join(chunks)
            conn.close()
        except OverflowError:
            status = NET_BODY_TOO_LARGE
        except (TimeoutError, OSError) as e:
            if isinstance(e, ssl.SSLError):
                status = NET_TLS
            elif isinstance(e, TimeoutError) or "timed out" in str(e):
                status = NET_TIMEOUT
            elif isinstance(e, (ConnectionRefusedError, OSError)) and not isinstance(e, ConnectionResetError):
                status = NET_CONNECT_FAILED
            else:
                status = NET_PROTOCOL
        except Exception:
            status = NET_PROTOCOL
        if status < 0:
            rh, data = {}, b""
        if time.monotonic() > deadline and status >= 0:
            status, rh, data = NET_TIMEOUT, {}, b""
        self.events.put(("net", epoch, rid, status, rh, data, method, url, started))

    def done(self, rid):
        with self.lock:
            self.live.discard(rid)

    def abort_all(self):
        # Threads finish on their own; their completions carry an old epoch and are dropped.
        with self.lock:
            self.live.clear()
        self.epoch += 1


# ---- the board -----------------------------------------------------------------

class Board:
    def __init__(self, a):
        prof = json.load(open(a.profile)) if a.profile else {}
        self.name = prof.get("name", "wasmtime")
        disp = prof.get("display")
        self.disp = disp
        self.fmt = 0 if not disp else (2 if disp["format"] == "rgb565" else 1)
        self.text = prof.get("text", {"cols": 40, "rows": 8})
        self.leds = prof.get("leds", 1)
        self.speaker = prof.get("speaker", True)
        self.device_type = 2 if prof.get("deviceType") == "tv" else 1
        flash_bytes = a.flash_bytes or prof.get("flashBytes", 8192)
        self.body_cap = a.body_cap or prof.get("netBodyCap", 65536)
        if a.in_flight < MIN_IN_FLIGHT:
            raise SystemExit("--in-flight is below the ABI minimum")
        self.config = {0: open(a.config, "rb").read()}
        if a.actions:
            self.config[1] = open(a.actions, "rb").read()
        os.makedirs(a.data, exist_ok=True)
        self.flash = Flash(os.path.join(a.data, "flash.bin"), flash_bytes, a.sector_bytes)
        self.sealer = Sealer(os.path.join(a.data, "seal.key"))
        self.events = queue.Queue()
        self.net = Net(self.events, self.body_cap, a.in_flight)
        self.engine = Engine()
        self.module = Module.from_file(self.engine, a.wasm)
        self.current = None
        self.utterance = None
        self.console = ""
        self.exports = None
        self.deadline = -1
        self.restart_at = -1
        self.restart_delay = RESTART_FIRST_MS
        self.boots = 0

    # memory helpers: None when (ptr, len) is outside linear memory
    def span(self, ptr, n):
        if ptr < 0 or n < 0 or ptr + n > self.mem.data_len(self.store):
            return None
        return bytes(self.mem.read(self.store, ptr, ptr + n))

    def put(self, ptr, data, cap):
        if ptr < 0 or cap < 0 or ptr + cap > self.mem.data_len(self.store):
            return EINVAL
        self.mem.write(self.store, data, ptr)
        return len(data)

    def copy_out(self, src, off, ptr, cap):
        if off < 0 or cap < 0:
            return EINVAL
        return self.put(ptr, src[off:off + cap], cap)

    def text_of(self, ptr, n):
        b = self.span(ptr, n)
        return None if b is None else b.decode("utf-8", "replace")

    def imports(self, linker):
        def define(name, params, results, fn, module="board"):
            linker.define_func(module, name, FuncType(params, results), fn)

        def traced(ev, key, check=None):
            def fn(p, n):
                if check is not None and not check():
                    return ENOTSUP
                s = self.text_of(p, n)
                if s is None:
                    return EINVAL
                emit(ev, **{key: s})
                return 0
            return fn

        define("display_text", [I32, I32], [I32], traced("display", "text", lambda: bool(self.text)))

        def blit(x, y, w, h, p, n):
            if not self.fmt:
                return ENOTSUP
            if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > self.disp["width"] or y + h > self.disp["height"]:
                return EINVAL
            if n != w * h * (2 if self.fmt == 2 else 1) or self.span(p, n) is None:
                return EINVAL
            return 0
        define("display_blit", [I32] * 6, [I32], blit)

        def led(pattern, rgb, period):
            if self.leds <= 0:
                return ENOTSUP
            if not 0 <= pattern <= 4 or period < 0:
                return EINVAL
            emit("led", pattern=LED_PATTERNS[pattern], rgb="#%06x" % (rgb & 0xFFFFFF), periodMs=period)
            return 0
        define("led_set", [I32] * 3, [I32], led)
        define("audio_say", [I32, I32], [I32], traced("say", "text", lambda: self.speaker))
        define("state_set", [I32, I32], [I32], traced("state", "state"))

        def log(level, p, n):
            if not 0 <= level <= 3:
                return EINVAL
            s = self.text_of(p, n)
            if s is None:
                return EINVAL
            emit("log", level=LOG_LEVELS[level], text=s)
            return 0
        define("log", [I32] * 3, [I32], log)
        define("clock_monotonic_ms", [], [I64], now_ms)
        define("clock_wall_s", [], [I64], lambda: int(time.time()))

        caps = {
            CAP_DISPLAY_WIDTH: self.disp["width"] if self.disp else 0,
            CAP_DISPLAY_HEIGHT: self.disp["height"] if self.disp else 0,
            CAP_DISPLAY_FORMAT: self.fmt,
            CAP_TEXT_COLS: self.text["cols"] if self.text else 0,
            CAP_TEXT_ROWS: self.text["rows"] if self.text else 0,
            CAP_LED_COUNT: self.leds,
            CAP_HAS_SPEAKER: 1 if self.speaker else 0,
            CAP_SEAL_OVERHEAD: Sealer.overhead,
            CAP_NET_BODY_CAP: self.body_cap,
            CAP_DEVICE_TYPE: self.device_type,
        }
        define("board_cap", [I32], [I32], lambda i: caps.get(i, ENOENT))
        define("config_len", [I32], [I32], lambda k: len(self.config[k]) if k in self.config else ENOENT)

        def config_read(k, off, p, cap):
            if k not in self.config:
                return ENOENT
            if off > len(self.config[k]):
                return EINVAL
            return self.copy_out(self.config[k], off, p, cap)
        define("config_read", [I32] * 4, [I32], config_read)

        def net_request(mp, ml, up, ul, hp, hl, bp, bl, timeout):
            m, u, h, b = self.text_of(mp, ml), self.text_of(up, ul), self.text_of(hp, hl), self.span(bp, bl)
            if m is None or u is None or h is None or b is None:
                return EINVAL
            rid = self.net.start(m, u, h, b, timeout)
            if rid < 0:
                emit("net", method=m, url=u.split("?")[0], status=rid, ms=0, refused=True)
            return rid
        define("net_request", [I32] * 9, [I32], net_request)

        def read_header(rid, np_, nl, p, cap):
            c = self.current
            if c is None or c[0] != rid:
                return ENOENT
            name = self.text_of(np_, nl)
            if name is None or self.span(p, cap) is None:
                return EINVAL
            v = c[1].get(name.lower())
            if v is None:
                return ENOENT
            v = v.encode()
            if len(v) > cap:
                return ETOOSMALL  # nothing written
            return self.put(p, v, cap)
        define("net_read_header", [I32] * 5, [I32], read_header)

        def read_body(rid, off, p, cap):
            c = self.current
            if c is None or c[0] != rid:
                return ENOENT
            if off > len(c[2]):
                return EINVAL
            return self.copy_out(c[2], off, p, cap)
        define("net_read_body", [I32] * 4, [I32], read_body)
        define("input_read", [I32, I32], [I32],
               lambda p, cap: ENOENT if self.utterance is None else self.copy_out(self.utterance, 0, p, cap))
        define("storage_size", [], [I32], lambda: self.flash.size)

        def storage_read(off, p, n):
            if self.span(p, n) is None:
                return EINVAL
            data = self.flash.read(off, n)
            if data is None:
                return EINVAL
            self.put(p, data, n)
            return 0
        define("storage_read", [I32] * 3, [I32], storage_read)

        def storage_write(off, p, n):
            data = self.span(p, n)
            return EINVAL if data is None else self.flash.write(off, data)
        define("storage_write", [I32] * 3, [I32], storage_write)

        def seal(ip, il, op, oc):
            data = self.span(ip, il)
            if data is None or self.span(op, oc) is None:
                return EINVAL
            if il + Sealer.overhead > oc:
                return ETOOSMALL
            out = self.sealer.seal(data)
            return EIO if out is None else self.put(op, out, oc)
        define("seal", [I32] * 4, [I32], seal)

        def unseal(ip, il, op, oc):
            data = self.span(ip, il)
            if data is None or self.span(op, oc) is None:
                return EINVAL
            out = self.sealer.unseal(data)
            if out is None:
                return EAUTH
            if len(out) > oc:
                return ETOOSMALL
            return self.put(op, out, oc)
        define("unseal", [I32] * 4, [I32], unseal)

        # WASI: only the three calls the module imports.
        W = "wasi_snapshot_preview1"

        def fd_write(fd, iovs, n, nwritten):
            total = 0
            for i in range(n):
                iov = self.span(iovs + 8 * i, 8)
                if iov is None:
                    return 28
                p, ln = int.from_bytes(iov[:4], "little"), int.from_bytes(iov[4:], "little")
                s = self.span(p, ln)
                if s is None:
                    return 28
                self.console += s.decode("utf-8", "replace")
                total += ln
            while "\n" in self.console:
                line, self.console = self.console.split("\n", 1)
                emit("log", level="error" if fd == 2 else "info", text=line, console=True)
            return 0 if self.put(nwritten, total.to_bytes(4, "little"), 4) == 4 else 28
        define("fd_write", [I32] * 4, [I32], fd_write, W)

        def proc_exit(code):
            raise RuntimeError(f"firmware called proc_exit({code})")
        define("proc_exit", [I32], [], proc_exit, W)

        def random_get(p, n):
            return 0 if self.put(p, os.urandom(n), n) == n else 28
        define("random_get", [I32, I32], [I32], random_get, W)

    # ---- boot, events, traps (the same order as the Node host and the C board)

    def enter(self, fn):
        try:
            return True, fn()
        except Exception as e:  # wasmtime.Trap, or a host error raised inside an import
            self.on_trap(e)
            return False, None

    def on_trap(self, e):
        msg = str(e).strip().split("\n")[0]
        emit("trap", message=msg)
        self.exports = None
        self.deadline = -1
        self.net.abort_all()
        self.restart_at = now_ms() + self.restart_delay
        self.restart_delay = min(self.restart_delay * 2, RESTART_MAX_MS)

    def boot(self):
        self.restart_at = -1
        self.net.abort_all()
        self.store = Store(self.engine)
        self.store.set_wasi(WasiConfig())
        linker = Linker(self.engine)
        self.imports(linker)
        ok, inst = self.enter(lambda: linker.instantiate(self.store, self.module))
        if not ok:
            return
        ex = inst.exports(self.store)
        self.mem = ex["memory"]
        self.exports = ex
        if not self.enter(lambda: ex["_start"](self.store))[0]:
            return
        ok, v = self.enter(lambda: ex["fw_abi_version"](self.store))
        if not ok:
            return
        if v != ABI_VERSION:
            emit("log", level="error", text=f"module speaks ABI {v}, board speaks {ABI_VERSION}: refused")
            self.exports = None
            return
        self.boots += 1
        emit("boot", board=self.name, boots=self.boots)
        ok, rc = self.enter(lambda: ex["fw_init"](self.store))
        if not ok:
            return
        if rc != 0:
            emit("log", level="warn", text=f"fw_init returned {rc}")
        self.restart_delay = RESTART_FIRST_MS
        self.tick()

    def tick(self):
        if self.exports is None:
            return
        ok, nxt = self.enter(lambda: self.exports["fw_tick"](self.store, now_ms()))
        if ok:
            self.deadline = nxt

    def call(self, name, *args):
        if self.exports is None:
            return
        if self.enter(lambda: self.exports[name](self.store, *args))[0]:
            self.tick()

    def on_event(self, e):
        kind = e[0]
        if kind == "net":
            _, epoch, rid, status, rh, data, method, url, started = e
            if epoch != self.net.epoch:
                return  # the firmware that asked is gone
            self.net.done(rid)
            emit("net", method=method, url=url.split("?")[0], status=status, ms=now_ms() - started, bytes=len(data))
            self.current = (rid, rh, data)
            self.call("fw_on_net_response", rid, status, len(data))
            self.current = None
        elif kind == "line":
            try:
                msg = json.loads(e[1])
            except ValueError:
                emit("log", level="warn", text="input is not JSON")
                return
            if msg.get("quit"):
                raise SystemExit(0)
            if isinstance(msg.get("button"), str) and msg["button"] in BUTTONS:
                emit("button", button=BUTTONS[msg["button"]])
                self.call("fw_on_button", BUTTONS[msg["button"]])
            elif isinstance(msg.get("say"), str):
                text = msg["say"][:1000]
                emit("utterance", text=text)
                self.utterance = text.encode()
                self.call("fw_on_utterance", len(self.utterance))
                self.utterance = None
            else:
                emit("log", level="warn", text="unknown input; expected {button}, {say} or {quit}")

    def run(self):
        threading.Thread(target=self.read_stdin, daemon=True).start()
        self.boot()
        while True:
            now = now_ms()
            if self.restart_at >= 0 and now >= self.restart_at:
                self.boot()
                continue
            if self.exports is not None and self.deadline >= 0 and now >= self.deadline:
                self.tick()
                continue
            wait = None
            if self.exports is not None and self.deadline >= 0:
                wait = self.deadline - now
            if self.restart_at >= 0:
                wait = self.restart_at - now if wait is None else min(wait, self.restart_at - now)
            try:
                e = self.events.get(timeout=None if wait is None else max(0, wait) / 1000)
            except queue.Empty:
                continue
            self.on_event(e)

    def read_stdin(self):
        for line in sys.stdin:
            if line.strip():
                self.events.put(("line", line))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm", default=os.path.join("build", "firmware.wasm"))
    ap.add_argument("--config", required=True)
    ap.add_argument("--actions")
    ap.add_argument("--data", required=True)
    ap.add_argument("--profile")
    ap.add_argument("--flash-bytes", type=int, default=0)
    ap.add_argument("--body-cap", type=int, default=0)
    ap.add_argument("--sector-bytes", type=int, default=4096)
    ap.add_argument("--in-flight", type=int, default=4)
    Board(ap.parse_args()).run()


if __name__ == "__main__":
    main()
