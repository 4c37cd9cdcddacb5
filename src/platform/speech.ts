/** Reading aloud with the device's own voices (Web Speech API), wrapped once. */

export const speechSupported = typeof window !== 'undefined' && 'speechSynthesis' in window && 'SpeechSynthesisUtterance' in window;

function voicesNow(): SpeechSynthesisVoice[] {
  return speechSupported ? window.speechSynthesis.getVoices() : [];
}

/** Voices load asynchronously on some browsers: wait briefly for them. */
export async function voices(): Promise<SpeechSynthesisVoice[]> {
  if (!speechSupported) return [];
  const now = voicesNow();
  if (now.length) return now;
  return new Promise((resolve) => {
    const done = () => resolve(voicesNow());
    window.speechSynthesis.addEventListener('voiceschanged', done, { once: true });
    setTimeout(done, 1500);
  });
}

/** A voice for the language, or undefined: never read Vietnamese with a wrong voice. */
export async function voiceFor(lang: string): Promise<SpeechSynthesisVoice | undefined> {
  const all = await voices();
  const l = lang.toLowerCase();
  return all.find((v) => v.lang.toLowerCase().replace('_', '-').startsWith(`${l}-`)) ?? all.find((v) => v.lang.toLowerCase() === l);
}

export function speak(text: string, voice: SpeechSynthesisVoice, onEnd?: () => void): void {
  window.speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.voice = voice;
  u.lang = voice.lang;
  // A little slower than default, for older listeners.
  u.rate = 0.9;
  if (onEnd) u.onend = onEnd;
  window.speechSynthesis.speak(u);
}

export function stopSpeaking(): void {
  if (speechSupported) window.speechSynthesis.cancel();
}
