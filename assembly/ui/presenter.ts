// Puts a rendered Frame on the surfaces the board has: state announcement
// and LED, a framebuffer, a text screen, a speaker. The surfaces are read
// once, at boot.
import * as board from "../board/board";
import { Cap } from "../board/board";
import { DeviceState, stateName } from "../device_state";
import { Frame } from "./render";
import { ScreenModel } from "./model";
import { PixelScreen, bandRowsFor } from "./pixel_screen";
import { layout } from "./text_screen";
import { W, words } from "./words";
import { ledFor } from "./status";

export class Presenter {
  /** The state announced last; -1 before the first. */
  shown: i32 = -1;
  private pixels: PixelScreen | null = null;
  private cols: i32;
  private rows: i32;
  private speaker: bool;
  private lastText: string = "";
  private spokenCode: string = "";

  constructor() {
    const w = board.cap(Cap.DisplayWidth), h = board.cap(Cap.DisplayHeight), fmt = board.cap(Cap.DisplayFormat);
    if (fmt > 0 && w > 0 && h > 0 && w <= 4096 && h <= 4096) this.pixels = new PixelScreen(w, h, fmt, bandRowsFor(w, fmt));
    this.cols = board.cap(Cap.TextCols);
    this.rows = board.cap(Cap.TextRows);
    this.speaker = board.cap(Cap.HasSpeaker) > 0;
  }

  /** Announces the state to the board and its LED (once per change). */
  announce(s: DeviceState): void {
    if (<i32>s == this.shown) return;
    this.shown = <i32>s;
    const name = stateName(s);
    board.announceState(name);
    const look = ledFor(s);
    board.led(look.pattern, look.rgb, look.periodMs);
  }

  /** `f` null: the frame is the one presented last (render.ts, Frames); only `speech` is new. */
  present(s: DeviceState, f: Frame | null, speech: Array<string>): void {
    this.announce(s);
    for (let i = 0; i < speech.length; i++) board.say(speech[i]);
    speech.length = 0;
    if (f === null) return;
    if (f.onEnter.length > 0) board.say(f.onEnter);
    if (this.speaker && f.codeKey.length > 0 && f.codeKey != this.spokenCode) {
      this.spokenCode = f.codeKey;
      board.say(f.code);
    }
    this.draw(f.model);
  }

  private draw(m: ScreenModel): void {
    const px = this.pixels;
    // Band by band; only the bands that changed are blitted.
    if (px !== null) px.render(m, board.displayBlit);
    if (this.cols <= 0 || this.rows <= 0) return;
    const text = new Array<string>();
    text.push(m.title);
    if (m.userCode.length > 0) {
      text.push(words(W.OpenColon) + m.verificationUri);
      text.push(words(W.EnterCodeColon) + m.userCode);
      text.push(m.countdown);
    }
    for (let i = 0; i < m.lines.length; i++) text.push(m.lines[i]);
    text.push("[" + m.status + "]");
    const screen = layout(text, this.cols, this.rows);
    if (screen != this.lastText) {
      this.lastText = screen;
      board.displayText(screen);
    }
  }
}
