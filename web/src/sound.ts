// A short two-tone chime for a new alert, made with Web Audio: no sound file to fetch.
// Browsers allow audio only after the user has interacted with the page; until then the
// title badge and the alert list carry the news.
let ctx: AudioContext | null = null;

function enabled(): boolean {
  try {
    return localStorage.getItem("gadehold.sound") !== "off";
  } catch {
    return true;
  }
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
}

// Called from a click handler so that the context may start.
export function unlockSound(): void {
  if (!ctx && typeof AudioContext !== "undefined") ctx = new AudioContext();
  if (ctx && ctx.state === "suspended") void ctx.resume();
}

export function chime(urgent: boolean): void {
  if (!enabled() || !ctx || ctx.state !== "running") return;
  const start = ctx.currentTime;
  const tones = urgent ? [880, 660, 880, 660] : [660, 880];
  tones.forEach((freq, i) => {
    const osc = ctx!.createOscillator();
    const gain = ctx!.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start + i * 0.22);
    gain.gain.exponentialRampToValueAtTime(0.3, start + i * 0.22 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.22 + 0.2);
    osc.connect(gain).connect(ctx!.destination);
    osc.start(start + i * 0.22);
    osc.stop(start + i * 0.22 + 0.21);
  });
}
