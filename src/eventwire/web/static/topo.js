/* Minimal TopoJSON decoder (eventwire's own): quantised, delta-encoded arcs -> SVG path strings
 * in an equirectangular projection. Enough for Polygon/MultiPolygon country outlines. */
'use strict';

const Topo = (() => {
  /** Decode every arc to absolute [lon, lat] points (delta decoding + transform). */
  function decodeArcs(topology) {
    const t = topology.transform;
    return topology.arcs.map((arc) => {
      let x = 0, y = 0;
      return arc.map((p) => {
        if (t) {
          x += p[0]; y += p[1];
          return [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]];
        }
        return [p[0], p[1]];
      });
    });
  }

  /** A ring is a list of arc indices; a negative index ~i means arc i reversed. */
  function ring(indices, arcs) {
    const pts = [];
    indices.forEach((i) => {
      const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
      a.forEach((p, k) => { if (k > 0 || pts.length === 0) pts.push(p); });
    });
    return pts;
  }

  /** Equirectangular projection onto a width x height box. */
  function project(lon, lat, width, height) {
    return [(lon + 180) / 360 * width, (90 - lat) / 180 * height];
  }

  function ringPath(pts, width, height) {
    let d = '';
    let prevLon = null;
    pts.forEach(([lon, lat]) => {
      const [x, y] = project(lon, lat, width, height);
      // a jump across the antimeridian starts a new sub-path instead of a line across the map
      const cmd = (prevLon === null || Math.abs(lon - prevLon) > 180) ? 'M' : 'L';
      d += cmd + x.toFixed(1) + ',' + y.toFixed(1);
      prevLon = lon;
    });
    return d + 'Z';
  }

  /** One {name, id, d} per geometry of the named object. */
  function paths(topology, objectName, width, height) {
    const arcs = decodeArcs(topology);
    const obj = topology.objects[objectName];
    return obj.geometries.filter((g) => g.type === 'Polygon' || g.type === 'MultiPolygon').map((g) => {
      const polys = g.type === 'Polygon' ? [g.arcs] : g.arcs;
      const d = polys.map((poly) => poly.map((r) => ringPath(ring(r, arcs), width, height)).join('')).join('');
      return { id: g.id, name: (g.properties && g.properties.name) || '', d };
    });
  }

  return { decodeArcs, paths, project };
})();
