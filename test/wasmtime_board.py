"""A minimal board for the firmware module in the real wasmtime engine.

It implements the board ABI (boards/ABI.md) with a text display and a
scripted network: the first request gets a device authorization answer,
so the firmware shows a code. It proves the same module runs unchanged on
a second engine (Cranelift, not V8). Prints one JSON object per line.

usage: wasmtime_board.py build/firmware.wasm
"""
import json
import os
import sys

from wasmtime import Engine, FuncType, Linker, Module, Store, ValType, WasiConfig

I32, I64 = ValType.i32(), ValType.i64()

CONFIG = json.dumps({
    "issuer": "http://127.0.0.1:9",
    "device_authorization_endpoint": "http://127.0.0.1:9/device/auth",
    "token_endpoint": "http://127.0.0.1:9/token",
    "client_id": "wasmtime-board",
    "scope": "openid offline_access",
}).encode()

CODE_ANSWER = json.dumps({
    "device_code": "dc-1", "user_code": "BCDFGHJK",
    "verification_uri": "http://127.0.0.1:9/device", "expires_in": 600, "interval": 5,
}).encode()


def main(path):
    engine = Engine()
    store = Store(engine)
    store.set_wasi(WasiConfig())
    linker = Linker(engine)
    linker.define_wasi()
    module = Module.from_file(engine, path)
    mem = {}
    now = [0]
    current = {}
    requests = []

    def out(**kv):
        print(json.dumps(kv), flush=True)

    def data():
        return mem["m"].data_ptr(store), mem["m"].data_len(store)

    def read(ptr, n):
        return bytes(mem["m"].read(store, ptr, ptr + n))

    def write(ptr, b):
        mem["m"].write(store, b, ptr)

    def text(ptr, n):
        return read(ptr, n).decode("utf-8", "replace")

    def define(name, params, results, fn):
        linker.define_func("board", name, FuncType(params, results), fn)

    define("display_text", [I32, I32], [I32], lambda p, n: out(ev="display", text=text(p, n)) or 0)
    define("display_blit", [I32] * 6, [I32], lambda *a: -2)
    define("led_set", [I32, I32, I32], [I32], lambda pat, rgb, per: out(ev="led", pattern=pat, rgb=rgb & 0xFFFFFF) or 0)
    define("audio_say", [I32, I32], [I32], lambda p, n: out(ev="say", text=text(p, n)) or 0)
    define("state_set", [I32, I32], [I32], lambda p, n: out(ev="state", state=text(p, n)) or 0)
    define("log", [I32, I32, I32], [I32], lambda lv, p, n: out(ev="log", level=lv, text=text(p, n)) or 0)
    define("clock_monotonic_ms", [], [I64], lambda: now[0])
    define("clock_wall_s", [], [I64], lambda: 0)
    caps = {1: 0, 2: 0, 3: 0, 4: 40, 5: 8, 6: 1, 7: 1, 8: 28, 9: 65536, 10: 1}
    define("board_cap", [I32], [I32], lambda i: caps.get(i, -4))

    def config_len(kind):
        return len(CONFIG) if kind == 0 else -4

    def config_read(kind, off, p, cap):
        if kind != 0:
            return -4
        chunk = CONFIG[off:off + cap]
        write(p, chunk)
        return len(chunk)

    define("config_len", [I32], [I32], config_len)
    define("config_read", [I32] * 4, [I32], config_read)

    def net_request(mp, ml, up, ul, hp, hl, bp, bl, timeout):
        requests.append({"method": text(mp, ml), "url": text(up, ul), "headers": text(hp, hl), "body": text(bp, bl)})
        out(ev="net_request", **requests[-1])
        return len(requests)

    define("net_request", [I32] * 9, [I32], net_request)

    def net_read_header(i, np_, nl, p, cap):
        if current.get("id") != i:
            return -4
        v = current["headers"].get(text(np_, nl).lower())
        if v is None:
            return -4
        write(p, v[:cap])
        return len(v)

    def net_read_body(i, off, p, cap):
        if current.get("id") != i:
            return -4
        chunk = current["body"][off:off + cap]
        write(p, chunk)
        return len(chunk)

    define("net_read_header", [I32] * 5, [I32], net_read_header)
    define("net_read_body", [I32] * 4, [I32], net_read_body)
    define("input_read", [I32, I32], [I32], lambda p, c: -4)
    flash = bytearray(b"\xff" * 8192)
    define("storage_size", [], [I32], lambda: len(flash))

    def storage_read(off, p, n):
        if off < 0 or off + n > len(flash):
            return -1
        write(p, bytes(flash[off:off + n]))
        return 0

    def storage_write(off, p, n):
        if off < 0 or off + n > len(flash):
            return -1
        flash[off:off + n] = read(p, n)
        return 0

    define("storage_read", [I32] * 3, [I32], storage_read)
    define("storage_write", [I32] * 3, [I32], storage_write)
    # Sealing here is an identity with a fixed 28-byte prefix: enough for a smoke run, never for a device.
    define("seal", [I32] * 4, [I32], lambda ip, il, op, oc: -6 if il + 28 > oc else (write(op, b"\0" * 28 + read(ip, il)) or il + 28))
    define("unseal", [I32] * 4, [I32], lambda ip, il, op, oc: -7 if il < 28 or il - 28 > oc else (write(op, read(ip + 28, il - 28)) or il - 28))

    inst = linker.instantiate(store, module)
    ex = inst.exports(store)
    mem["m"] = ex["memory"]
    ex["_start"](store)
    assert ex["fw_abi_version"](store) == 1
    ex["fw_init"](store)
    nxt = ex["fw_tick"](store, now[0])
    out(ev="tick", next=nxt)
    if requests:
        now[0] = 50
        current.update(id=1, headers={"content-type": b"application/json"}, body=CODE_ANSWER)
        ex["fw_on_net_response"](store, 1, 200, len(CODE_ANSWER))
        current.clear()
        nxt = ex["fw_tick"](store, now[0])
        out(ev="tick", next=nxt)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "firmware.wasm"))
