import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from '../review/sprint-report.js';
import { colourDistance, decodePng, hex, readChartSvg, seriesIndex } from './chart-svg-reader.spec-helper.js';
import { renderBurndownPng, renderBurndownSvg, renderPhaseTimelinePng } from './index.js';
import { COLORS, STATUS_COLORS } from './palette.js';

const report = () => buildSprintReport(sprintSeven(), t('09T12:00'));

describe('chart PNGs (Confluence attachments)', () => {
  it('rasterises the burndown at its size, the same bytes every time', async () => {
    const png = await renderBurndownPng(report());
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([800, 400]);
    expect((await renderBurndownPng(report())).equals(png)).toBe(true);
    const sharp = decodePng(await renderBurndownPng(report(), {}, 2));
    expect([sharp.width, sharp.height]).toEqual([1600, 800]);
  });

  it('draws the remaining line where the SVG puts it, in its colour', async () => {
    const built = report();
    const chart = readChartSvg(await renderBurndownSvg(built));
    const remaining = chart.marks
      .filter((mark) => mark.series === seriesIndex(chart, 'Remaining'))
      .sort((a, b) => a.dataIndex - b.dataIndex);
    const image = decodePng(await renderBurndownPng(built));
    // Halfway between day 0 and day 1 the line is drawn; the markers themselves are hollow.
    const middle = image.pixel((remaining[0].x + remaining[1].x) / 2, (remaining[0].y + remaining[1].y) / 2);
    expect(colourDistance(middle, hex(COLORS.remaining))).toBeLessThan(40);
    // A white background, not a transparent one, for Confluence's dark theme.
    expect(image.pixel(2, 2)).toEqual([255, 255, 255, 255]);
  });

  it('draws the text with the font shipped in npm, so it does not depend on the machine’s fonts', async () => {
    const image = decodePng(await renderBurndownPng(report()));
    // The title is centred near the top: count ink in its band.
    let ink = 0;
    for (let y = 12; y < 30; y++) for (let x = 300; x < 500; x++) if (colourDistance(image.pixel(x, y), [255, 255, 255]) > 100) ink++;
    expect(ink).toBeGreaterThan(200);
  });

  it('rasterises the phase timeline with its bars in the status colours', async () => {
    const image = decodePng(await renderPhaseTimelinePng(report(), { deploymentId: 'dep-3' }));
    expect(image.width).toBe(800);
    let green = 0;
    for (let y = 0; y < image.height; y += 2)
      for (let x = 0; x < image.width; x += 2) if (colourDistance(image.pixel(x, y), hex(STATUS_COLORS.succeeded)) < 8) green++;
    expect(green).toBeGreaterThan(1000);
  });
});
