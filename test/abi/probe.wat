;; An ABI probe: a tiny module with the firmware's exports that calls board
;; imports with edge-case arguments and stores each result (an i32) in
;; flash at offset 4 * case, so a test can compare every engine's answers
;; with boards/abi.json. The device configuration (kind 0) is the URL of a
;; loopback HTTP server whose answer carries a 600-byte header.
(module
  (import "board" "led_set" (func $led_set (param i32 i32 i32) (result i32)))
  (import "board" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "board" "input_read" (func $input_read (param i32 i32) (result i32)))
  (import "board" "net_read_body" (func $net_read_body (param i32 i32 i32 i32) (result i32)))
  (import "board" "net_read_header" (func $net_read_header (param i32 i32 i32 i32 i32) (result i32)))
  (import "board" "net_request" (func $net_request (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "board" "config_len" (func $config_len (param i32) (result i32)))
  (import "board" "config_read" (func $config_read (param i32 i32 i32 i32) (result i32)))
  (import "board" "board_cap" (func $board_cap (param i32) (result i32)))
  (import "board" "storage_size" (func $storage_size (result i32)))
  (import "board" "storage_read" (func $storage_read (param i32 i32 i32) (result i32)))
  (import "board" "storage_write" (func $storage_write (param i32 i32 i32) (result i32)))
  (import "board" "display_blit" (func $display_blit (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "board" "seal" (func $seal (param i32 i32 i32 i32) (result i32)))
  (import "board" "unseal" (func $unseal (param i32 i32 i32 i32) (result i32)))
  (import "board" "state_set" (func $state_set (param i32 i32) (result i32)))
  ;; Imported (not called) so the C board's instantiate call has the firmware's shape.
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  ;; 1024: strings; 2048: the config (URL); 4096..: scratch buffers
  (data (i32.const 1024) "GET")
  (data (i32.const 1032) "ftp://127.0.0.1/")
  (data (i32.const 1056) "x-long")
  (data (i32.const 1064) "probe_done")
  (data (i32.const 1080) "probe_started")
  (global $url_len (mut i32) (i32.const 0))

  (func $put (param $case i32) (param $v i32)
    (i32.store (i32.const 16) (local.get $v))
    (drop (call $storage_write (i32.mul (local.get $case) (i32.const 4)) (i32.const 16) (i32.const 4))))

  (func (export "_start"))
  (func (export "fw_abi_version") (result i32) (i32.const 1))
  (func (export "fw_init") (result i32)
    (local $n i32)
    (drop (call $state_set (i32.const 1080) (i32.const 13)))
    ;; 0: a negative LED period
    (call $put (i32.const 0) (call $led_set (i32.const 1) (i32.const 0xff) (i32.const -5)))
    ;; 1: an unknown log level
    (call $put (i32.const 1) (call $log (i32.const 7) (i32.const 1024) (i32.const 3)))
    ;; 2: input_read outside an utterance
    (call $put (i32.const 2) (call $input_read (i32.const 4096) (i32.const 16)))
    ;; 3, 4: net_read_* outside a completion
    (call $put (i32.const 3) (call $net_read_body (i32.const 1) (i32.const 0) (i32.const 4096) (i32.const 16)))
    (call $put (i32.const 4) (call $net_read_header (i32.const 1) (i32.const 1056) (i32.const 6) (i32.const 4096) (i32.const 16)))
    ;; 5, 6: config_read at and past the end
    (local.set $n (call $config_len (i32.const 0)))
    (call $put (i32.const 5) (call $config_read (i32.const 0) (local.get $n) (i32.const 4096) (i32.const 16)))
    (call $put (i32.const 6) (call $config_read (i32.const 0) (i32.add (local.get $n) (i32.const 1)) (i32.const 4096) (i32.const 16)))
    ;; 7: an unknown config kind; 8: an unknown capability
    (call $put (i32.const 7) (call $config_len (i32.const 9)))
    (call $put (i32.const 8) (call $board_cap (i32.const 99)))
    ;; 9: a read past the end of flash
    (call $put (i32.const 9) (call $storage_read (i32.sub (call $storage_size) (i32.const 2)) (i32.const 4096) (i32.const 4)))
    ;; 10: a blit whose length does not match its rectangle
    (call $put (i32.const 10) (call $display_blit (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 2) (i32.const 4096) (i32.const 3)))
    ;; 11: seal into a buffer too small
    (call $put (i32.const 11) (call $seal (i32.const 4096) (i32.const 10) (i32.const 8192) (i32.const 20)))
    ;; 12: unseal of bytes this device never sealed (40 zero bytes)
    (memory.fill (i32.const 12288) (i32.const 0) (i32.const 40))
    (call $put (i32.const 12) (call $unseal (i32.const 12288) (i32.const 40) (i32.const 16384) (i32.const 64)))
    ;; 13, 14: seal then unseal round trip; 15: the plaintext came back (1) or not (0)
    (memory.fill (i32.const 4096) (i32.const 0x5a) (i32.const 10))
    (local.set $n (call $seal (i32.const 4096) (i32.const 10) (i32.const 8192) (i32.const 64)))
    (call $put (i32.const 13) (local.get $n))
    (call $put (i32.const 14) (call $unseal (i32.const 8192) (local.get $n) (i32.const 20480) (i32.const 64)))
    (call $put (i32.const 15) (i64.eq (i64.load (i32.const 20480)) (i64.const 0x5a5a5a5a5a5a5a5a)))
    ;; 16: a scheme other than http/https
    (call $put (i32.const 16) (call $net_request (i32.const 1024) (i32.const 3) (i32.const 1032) (i32.const 16)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 5000)))
    ;; 17: a real request to the probe server (its id)
    (global.set $url_len (call $config_read (i32.const 0) (i32.const 0) (i32.const 2048) (i32.const 1024)))
    (call $put (i32.const 17) (call $net_request (i32.const 1024) (i32.const 3) (i32.const 2048) (global.get $url_len)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 5000)))
    (i32.const 0))
  (func (export "fw_tick") (param i64) (result i64) (i64.const -1))
  (func (export "fw_on_net_response") (param $id i32) (param $status i32) (param $len i32)
    (call $put (i32.const 18) (local.get $status))
    (call $put (i32.const 19) (local.get $len))
    ;; 20: a header value longer than the buffer; 21: the same with room
    (call $put (i32.const 20) (call $net_read_header (local.get $id) (i32.const 1056) (i32.const 6) (i32.const 4096) (i32.const 8)))
    (call $put (i32.const 21) (call $net_read_header (local.get $id) (i32.const 1056) (i32.const 6) (i32.const 4096) (i32.const 4096)))
    ;; 22: the body read at its end; 23: past its end
    (call $put (i32.const 22) (call $net_read_body (local.get $id) (local.get $len) (i32.const 4096) (i32.const 16)))
    (call $put (i32.const 23) (call $net_read_body (local.get $id) (i32.add (local.get $len) (i32.const 1)) (i32.const 4096) (i32.const 16)))
    ;; 24: a header that is absent
    (call $put (i32.const 24) (call $net_read_header (local.get $id) (i32.const 1024) (i32.const 3) (i32.const 4096) (i32.const 64)))
    (drop (call $state_set (i32.const 1064) (i32.const 10))))
  (func (export "fw_on_button") (param i32))
  (func (export "fw_on_utterance") (param i32))
)
