/**
 * Headless SVG rendering of a vega-lite specification (no canvas needed).
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export async function renderVegaLiteSvg(spec: vegaLite.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
