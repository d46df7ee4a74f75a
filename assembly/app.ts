// The wiring: reads what the board provides at boot, hands board events to
// the device coordinator (device.ts), and presents the result. No decision
// lives here: what to send, when, and what to say is decided in device.ts
// and the controllers under auth/ and actions/; ui/render.ts decides what
// is shown.
import * as board from "./board/board";
import { Cap, ConfigKind, LogLevel } from "./board/board";
import { readResponse } from "./board/net";
import { BoardFlash, BoardSealer } from "./board/storage";
import { BoardPort } from "./board/port";
import { DeviceConfig, parseDeviceConfigBytes } from "./auth/config";
import { XorShift } from "./auth/backoff";
import { TokenStore } from "./auth/store";
import { ActionTable, loadActionTable } from "./actions/table";
import { Device } from "./device";
import { Fault, fault } from "./faults";
import { DeviceState } from "./device_state";
import { Frames } from "./ui/render";
import { Presenter } from "./ui/presenter";
import { W, words } from "./ui/words";
import { ACTION_TABLE_MAX_BYTES, CONFIG_MAX_BYTES, DEFAULT_BODY_CAP, UTTERANCE_MAX_BYTES } from "./limits";

export class App {
  private device!: Device;
  private presenter: Presenter;
  private frames: Frames = new Frames();
  private bodyCap: i32;
  private cfg: DeviceConfig;

  /** Boot, first phase: the device configuration (main.ts collects after each phase). */
  constructor(private seed: u32) {
    this.presenter = new Presenter();
    this.cfg = parseDeviceConfigBytes(board.readConfigBytes(ConfigKind.Device, CONFIG_MAX_BYTES));
    const cap = board.cap(Cap.NetBodyCap);
    this.bodyCap = cap > 0 ? cap : DEFAULT_BODY_CAP;
  }

  /** Boot, second phase: the action table, then the device that uses it. */
  wire(): void {
    let table: ActionTable | null = null;
    let tableError = fault(Fault.TableMissing);
    const actions = board.readConfig(ConfigKind.Actions, ACTION_TABLE_MAX_BYTES);
    if (actions !== null) {
      const r = loadActionTable(actions);
      table = r.table;
      if (table === null) {
        tableError = r.error;
        board.log(LogLevel.Error, tableError);
      }
    }
    const store = new TokenStore(new BoardFlash(), new BoardSealer());
    const deviceType = board.cap(Cap.DeviceType) == 2 ? "tv" : "speaker";
    this.device = new Device(this.cfg, table, tableError, store, new BoardPort(), new XorShift(this.seed), deviceType);
  }

  /** fw_init: 0, or -1 when the configuration is unusable. */
  boot(now: i64): i32 {
    this.presenter.announce(DeviceState.Booting);
    this.device.boot(now);
    this.show(now);
    return this.device.configOk ? 0 : -1;
  }

  tick(now: i64): i64 {
    const next = this.device.tick(now);
    this.show(now);
    return next;
  }

  onNetResponse(id: i32, status: i32, bodyLen: i32, now: i64): void {
    this.device.onResponse(id, readResponse(id, status, bodyLen, this.bodyCap), now);
  }

  onButton(button: i32, now: i64): void {
    this.device.onButton(button, now);
  }

  onUtterance(len: i32, now: i64): void {
    this.device.onUtterance(board.readUtterance(len, UTTERANCE_MAX_BYTES), now);
  }

  private show(now: i64): void {
    const d = this.device;
    const s = d.state();
    const prev = this.presenter.shown;
    this.presenter.present(s, this.frames.next(<DeviceState>prev, s, d.views(s), now), d.speech);
  }
}
