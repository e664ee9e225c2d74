// Extract Pakistan (ISO 3166-1 numeric 586) from world-atlas's
// countries-50m.json (TopoJSON) and write it as GeoJSON.
// Usage: node extract_pakistan.mjs path/to/world-atlas/countries-50m.json > pakistan.geojson
import { readFileSync } from "node:fs";

const topo = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { scale, translate } = topo.transform;

// Decode one delta-encoded, quantized arc into lon/lat pairs.
function decodeArc(arc) {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => {
    x += dx; y += dy;
    const r = (v, s, t) => Math.round((v * s + t) * 1e4) / 1e4;
    return [r(x, scale[0], translate[0]), r(y, scale[1], translate[1])];
  });
}
const arcs = topo.arcs.map(decodeArc);

// A ring is a list of arc indices; negative ~i means arc i reversed.
function ring(indices) {
  const out = [];
  for (const i of indices) {
    const pts = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
    out.push(...(out.length ? pts.slice(1) : pts));
  }
  return out;
}

const geom = topo.objects.countries.geometries.find((g) => g.id === "586");
if (!geom) throw new Error("Pakistan (586) not found");
const polys = geom.type === "Polygon" ? [geom.arcs] : geom.arcs;
const feature = {
  type: "Feature",
  properties: {
    name: geom.properties.name,
    iso_n3: "586",
    source: "world-atlas 2.0.2 countries-50m.json (Natural Earth 1:50m, public domain; world-atlas ISC)",
  },
  geometry: { type: "MultiPolygon", coordinates: polys.map((p) => p.map(ring)) },
};
process.stdout.write(JSON.stringify({ type: "FeatureCollection", features: [feature] }) + "\n");
