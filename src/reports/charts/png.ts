import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);
/** Shipped in npm (OFL), so a PNG looks the same on any machine, with or without system fonts. */
const FONT_FILE = require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf');

/** Rasterises a chart SVG for a Confluence attachment: same pixels everywhere, at `scale` × its size. */
export function svgToPng(svg: string, scale = 1): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { loadSystemFonts: false, fontFiles: [FONT_FILE], defaultFontFamily: 'Noto Sans', sansSerifFamily: 'Noto Sans' },
  });
  return resvg.render().asPng();
}
