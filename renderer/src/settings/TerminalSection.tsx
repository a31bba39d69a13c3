import { Input, Label, NumberField, Radio, RadioGroup, Switch } from 'react-aria-components';
import { Field } from '../ui/fields.tsx';
import { FONT_SIZE, SCROLLBACK, type TerminalSettings } from './Settings.ts';
import { useSettings, useSettingsStore } from './SettingsContext.tsx';

/** Terminal: font, size, theme, scrollback, cursor, PuTTY's mouse habits, renderer (this window's own). */
export function TerminalSection() {
  const settings = useSettings();
  const store = useSettingsStore();
  const set = (change: Partial<TerminalSettings>) => store.update(change);
  return (
    <section className="settings-section" aria-labelledby="settings-terminal">
      <h3 id="settings-terminal">Terminal</h3>
      <Field label="Font" value={settings.fontFamily} onChange={(fontFamily) => set({ fontFamily })} />
      <div className="row">
        <NumberField
          className="field"
          value={settings.fontSize}
          minValue={FONT_SIZE.min}
          maxValue={FONT_SIZE.max}
          onChange={(fontSize) => set({ fontSize })}
        >
          <Label>Font size</Label>
          <Input />
        </NumberField>
        <NumberField
          className="field"
          value={settings.scrollback}
          minValue={SCROLLBACK.min}
          maxValue={SCROLLBACK.max}
          step={1000}
          onChange={(scrollback) => set({ scrollback })}
        >
          <Label>Scrollback lines</Label>
          <Input />
        </NumberField>
      </div>
      <RadioGroup
        value={settings.theme}
        onChange={(theme) => set({ theme: theme as TerminalSettings['theme'] })}
        orientation="horizontal"
        className="inline-choices"
      >
        <Label>Theme</Label>
        <Radio value="system">Follow the system</Radio>
        <Radio value="light">Light</Radio>
        <Radio value="dark">Dark</Radio>
      </RadioGroup>
      <RadioGroup
        value={settings.cursorStyle}
        onChange={(cursorStyle) => set({ cursorStyle: cursorStyle as TerminalSettings['cursorStyle'] })}
        orientation="horizontal"
        className="inline-choices"
      >
        <Label>Cursor</Label>
        <Radio value="block">Block</Radio>
        <Radio value="bar">Bar</Radio>
        <Radio value="underline">Underline</Radio>
      </RadioGroup>
      <Switch isSelected={settings.cursorBlink} onChange={(cursorBlink) => set({ cursorBlink })}>
        <div className="indicator" /> Blinking cursor
      </Switch>
      <Switch isSelected={settings.copyOnSelect} onChange={(copyOnSelect) => set({ copyOnSelect })}>
        <div className="indicator" /> Copy on select
      </Switch>
      <Switch isSelected={settings.rightClickPaste} onChange={(rightClickPaste) => set({ rightClickPaste })}>
        <div className="indicator" /> Right-click pastes
      </Switch>
      <RadioGroup
        value={settings.renderer}
        onChange={(renderer) => set({ renderer: renderer as TerminalSettings['renderer'] })}
        orientation="horizontal"
        className="inline-choices"
      >
        <Label>Renderer</Label>
        <Radio value="auto">Automatic (WebGL on a GPU)</Radio>
        <Radio value="webgl">WebGL</Radio>
        <Radio value="dom">DOM</Radio>
      </RadioGroup>
    </section>
  );
}
