"use client";

import { toString as qrToSvg } from "qrcode";
import { useEffect, useState } from "react";

/**
 * The join URL as an SVG QR code, drawn in the browser. The previous code
 * stays up until the next one is ready, so rotation never flashes blank.
 */
export function QrCode({ value, label, className = "" }: { value: string; label: string; className?: string }) {
  const [drawn, setDrawn] = useState<{ value: string; svg: string } | null>(null);

  useEffect(() => {
    let cancelled = false;
    qrToSvg(value, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#000000", light: "#ffffff" } })
      .then((svg) => {
        if (!cancelled) setDrawn({ value, svg });
      })
      .catch(() => {
        // A URL is always encodable at level M; nothing sensible to show otherwise.
      });
    return () => {
      cancelled = true;
    };
  }, [value]);

  return (
    <div
      role="img"
      aria-label={label}
      data-qr-value={drawn?.value}
      className={`bg-white [&>svg]:block [&>svg]:h-full [&>svg]:w-full ${drawn ? "" : "animate-pulse rounded bg-slate-100"} ${className}`}
      dangerouslySetInnerHTML={drawn ? { __html: drawn.svg } : undefined}
    />
  );
}
