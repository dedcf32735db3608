"use client";

import { useState } from "react";
import { useHydrated } from "@/components/session/use-now";
import { applyTheme, parseTheme, THEMES, type Theme } from "@/lib/model/theme";

const LABEL: Record<Theme, string> = { system: "Auto", light: "Light", dark: "Dark" };

/** System / light / dark, remembered in a cookie; `initial` is what the server read from it. */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  // A choice made before the script runs would be lost: the control waits for it.
  const ready = useHydrated();
  return (
    <label className="flex shrink-0 items-center text-sm">
      <span className="sr-only">Colour theme</span>
      <select
        value={theme}
        disabled={!ready}
        title="Colour theme"
        data-testid="theme-toggle"
        onChange={(e) => {
          const next = parseTheme(e.target.value);
          setTheme(next);
          applyTheme(next);
        }}
        className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm font-medium text-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-100"
      >
        {THEMES.map((t) => (
          <option key={t} value={t}>
            {LABEL[t]}
          </option>
        ))}
      </select>
    </label>
  );
}
