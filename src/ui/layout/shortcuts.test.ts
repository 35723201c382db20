import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor } from './shortcuts';

const press = (key: string, target: object | null = null, mods: Partial<KeyboardEvent> = {}) =>
  shortcutFor({
    key,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    ...mods,
    target: target as EventTarget | null,
  });

describe('shortcutFor', () => {
  it('maps keys pressed on the page to their action', () => {
    expect(press('?')).toBe('help');
    expect(press('/')).toBe('search');
    expect(press('r', { tagName: 'BUTTON' })).toBe('runs');
    expect(press('x')).toBeNull();
  });

  it('leaves keys typed into a field alone, except Escape', () => {
    expect(press('t', { tagName: 'INPUT', type: 'search' })).toBeNull();
    expect(press('1', { tagName: 'INPUT', type: 'number' })).toBeNull();
    expect(press('?', { tagName: 'TEXTAREA' })).toBeNull();
    expect(press('Escape', { tagName: 'INPUT', type: 'text' })).toBe('close');
    expect(press('t', { tagName: 'INPUT', type: 'checkbox' })).toBe('train');
  });

  it('leaves browser chords alone', () => {
    expect(press('r', null, { ctrlKey: true })).toBeNull();
    expect(press('1', null, { metaKey: true })).toBeNull();
  });

  it('gives every key one action', () => {
    const keys = SHORTCUTS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
