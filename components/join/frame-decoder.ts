// Its own module so the lazily imported jsQR decoder and the loader that
// imports it share the type without importing each other.
export type DecoderKind = "native" | "jsqr";

export type FrameDecoder = {
  kind: DecoderKind;
  /** Texts of the QR codes visible in the current frame (usually zero or one). */
  decode(video: HTMLVideoElement): Promise<string[]>;
};
