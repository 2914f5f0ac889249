// The dashboard's sounds, made with Web Audio: no sound file to fetch. Browsers let a page
// play only after the user has interacted with it, so the page must know, and say, when
// audio is blocked: "Sound on" while nothing can play would be a lie (alarm.ts).
let ctx: AudioContext | null = null;
// A context may take a moment to start even when it is allowed to: until then it is
// neither playing nor known to be blocked.
let settled = false;
const listeners = new Set<() => void>();
const SETTLE_MS = 500;

function enabled(): boolean {
  try {
    return localStorage.getItem("gadehold.sound") !== "off";
  } catch {
    return true;
  }
}

function notify(): void {
  for (const fn of listeners) fn();
}

// Called when the sound's state may have changed: the lead's choice, or the browser's.
export function onSoundChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function soundEnabled(): boolean {
  return enabled();
}

export function setSoundEnabled(on: boolean): void {
  try {
    localStorage.setItem("gadehold.sound", on ? "on" : "off");
  } catch {
    /* the choice lasts until reload */
  }
  notify();
}

// "on": the lead wants sound and the browser plays it; "off": the lead turned it off;
// "blocked": the lead wants sound and the browser will not play it until a tap.
export type SoundState = "on" | "off" | "blocked";

export function soundState(): SoundState {
  if (!enabled()) return "off";
  if (ctx?.state === "running" || !settled) return "on";
  return "blocked";
}

// The dashboard of a lead or coordinator starts its audio at once, so that it can tell
// whether the browser lets it play (after a reload with no click it usually does not).
export function startAudio(): void {
  if (ctx || typeof AudioContext === "undefined") {
    settled = true;
    return;
  }
  try {
    ctx = new AudioContext();
  } catch {
    // No audio at all (too many contexts, a locked-down browser): the control says blocked.
    settled = true;
    notify();
    return;
  }
  ctx.addEventListener("statechange", () => {
    if (ctx?.state === "running") settled = true;
    notify();
  });
  if (ctx.state === "running") settled = true;
  else {
    void ctx.resume().catch(() => undefined);
    window.setTimeout(() => {
      settled = true;
      notify();
    }, SETTLE_MS);
  }
  notify();
}

// Called from every click and key press (capture): a user gesture lets the context start.
export function unlockSound(): void {
  if (ctx && ctx.state !== "running" && ctx.state !== "closed") void ctx.resume().catch(() => undefined);
}

// The "enable the alarm sound" control: resolves once the browser plays, or not.
export async function enableSound(): Promise<boolean> {
  if (!ctx) startAudio();
  if (!ctx) return false;
  if (ctx.state !== "running") {
    await Promise.race([ctx.resume().catch(() => undefined), new Promise((r) => window.setTimeout(r, 1000))]);
  }
  settled = true;
  notify();
  return ctx.state === "running";
}

interface Tone {
  freq: number;
  at: number;
  length: number;
  type: OscillatorType;
  gain: number;
}

// What is playing or about to: an acknowledgement silences it at once.
let playing: { osc: OscillatorNode; endsAt: number }[] = [];

function schedule(tones: Tone[]): boolean {
  if (!enabled() || !ctx || ctx.state !== "running") return false;
  const start = ctx.currentTime + 0.05;
  playing = playing.filter((p) => p.endsAt > start);
  for (const tone of tones) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = tone.type;
    osc.frequency.value = tone.freq;
    const from = start + tone.at;
    gain.gain.setValueAtTime(0.0001, from);
    gain.gain.exponentialRampToValueAtTime(tone.gain, from + 0.02);
    gain.gain.setValueAtTime(tone.gain, from + tone.length - 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, from + tone.length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(from);
    osc.stop(from + tone.length + 0.01);
    playing.push({ osc, endsAt: from + tone.length + 0.01 });
  }
  return true;
}

// Stops what was scheduled: the alarm ended (acknowledged, here or on another screen).
export function silence(): void {
  for (const p of playing) {
    try {
      p.osc.stop();
    } catch {
      /* already stopped */
    }
  }
  playing = [];
}

// The frequencies are part of the contract with the browser tests (alarm.test.mjs), which
// tell the patterns apart by them.
export const SOS_TONES = [988, 740];
export const OVERDUE_TONE = 523;

// SOS and a call for support: a two-tone siren of about 2 s, played again and again
// (alarm.ts) until someone acknowledges it.
export function playUrgent(): boolean {
  const tones: Tone[] = [];
  for (let i = 0; i < 8; i++) tones.push({ freq: SOS_TONES[i % 2], at: i * 0.25, length: 0.23, type: "square", gain: 0.25 });
  return schedule(tones);
}

// An overdue patrol: three short, lower beeps, less often.
export function playOverdue(): boolean {
  return schedule([0, 0.3, 0.6].map((at) => ({ freq: OVERDUE_TONE, at, length: 0.15, type: "triangle", gain: 0.35 })));
}

// A planning alert (understaffed shift, small patrol, a patrol the server closed): one soft chime.
export function playSoft(): boolean {
  return schedule([{ freq: 660, at: 0, length: 0.2, type: "sine", gain: 0.15 }, { freq: 880, at: 0.22, length: 0.3, type: "sine", gain: 0.15 }]);
}
