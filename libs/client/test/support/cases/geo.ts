// Cases of the geospatial commands: positions within a few meters, as the server stores them (52-bit geohashes).
import { expect } from 'vitest';
import type { RedisCommands } from '../../../src/index.js';
import { defineCase } from '../command-cases.js';

const PALERMO = { longitude: 13.361389, latitude: 38.115556 };
const CATANIA = { longitude: 15.087269, latitude: 37.502669 };

const sicily = (c: RedisCommands) =>
  c.geoadd('{g}sicily', [
    { ...PALERMO, member: 'Palermo' },
    { ...CATANIA, member: 'Catania' },
  ]);

/** Rounds numbers deeply (distances and coordinates differ in the last digits between protocols). */
function rounded(value: unknown, digits = 3): unknown {
  if (typeof value === 'number') return Number(value.toFixed(digits));
  if (Array.isArray(value)) return value.map((v) => rounded(v, digits));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v, digits)]));
  }
  return value;
}

export const geoCases = [
  defineCase({
    methods: ['geoadd', 'geodist', 'geohash', 'geopos'],
    command: 'GEOADD',
    setup: sicily,
    run: async (c) => [
      await c.geoadd('{g}sicily', { ...PALERMO, member: 'Palermo' }, { condition: 'NX', change: true }),
      await c.geoadd(
        '{g}sicily',
        { longitude: 15.29, latitude: 37.08, member: 'Syracuse' },
        { change: true },
      ),
      rounded(await c.geodist('{g}sicily', 'Palermo', 'Catania', 'km'), 0),
      await c.geodist('{g}sicily', 'Palermo', 'missing'),
      await c.geohash('{g}sicily', 'Catania', 'missing'),
      rounded(await c.geopos('{g}sicily', ['Catania', 'missing']), 4),
    ],
    check: (v) =>
      expect(v).toEqual([
        0,
        1,
        166,
        null,
        ['sqdtr74hyu0', null],
        [{ longitude: 15.0873, latitude: 37.5027 }, null],
      ]),
  }),
  defineCase({
    methods: ['geosearch', 'geosearchWith', 'geosearchstore'],
    command: 'GEOSEARCH',
    setup: sicily,
    run: async (c) => [
      await c.geosearch(
        '{g}sicily',
        { longitude: 15, latitude: 37 },
        { radius: 200, unit: 'km' },
        { order: 'ASC' },
      ),
      await c.geosearch(
        '{g}sicily',
        { member: 'Palermo' },
        { width: 400, height: 400, unit: 'km' },
        { count: 1, order: 'DESC' },
      ),
      rounded(
        await c.geosearchWith(
          '{g}sicily',
          { longitude: 15, latitude: 37 },
          { radius: 200, unit: 'km' },
          { distance: true, coordinates: true, hash: true },
          { order: 'ASC' },
        ),
        2,
      ),
      await c.geosearchstore('{g}near', '{g}sicily', { member: 'Catania' }, { radius: 10, unit: 'km' }),
      await c.geosearchstore(
        '{g}near',
        '{g}sicily',
        { member: 'Catania' },
        { radius: 500, unit: 'km' },
        { storeDistances: true },
      ),
      rounded(await c.zrangeWithScores('{g}near', 0, -1), 0),
    ],
    check: (v) =>
      expect(v).toEqual([
        ['Catania', 'Palermo'],
        ['Catania'],
        [
          {
            member: 'Catania',
            distance: 56.44,
            hash: 3479447370796909,
            coordinates: { longitude: 15.09, latitude: 37.5 },
          },
          {
            member: 'Palermo',
            distance: 190.44,
            hash: 3479099956230698,
            coordinates: { longitude: 13.36, latitude: 38.12 },
          },
        ],
        1,
        2,
        [
          { value: 'Catania', score: 0 },
          { value: 'Palermo', score: 166 },
        ],
      ]),
  }),
  defineCase({
    methods: ['georadius', 'georadiusWith', 'georadiusStore', 'georadiusRo', 'georadiusRoWith'],
    command: 'GEORADIUS_RO',
    setup: sicily,
    run: async (c) => [
      await c.georadius('{g}sicily', { longitude: 15, latitude: 37 }, 200, 'km', { order: 'ASC' }),
      rounded(
        await c.georadiusWith('{g}sicily', { longitude: 15, latitude: 37 }, 100, 'km', { distance: true }),
        2,
      ),
      await c.georadiusStore('{g}sicily', { longitude: 15, latitude: 37 }, 200, 'km', '{g}out'),
      await c.zcard('{g}out'),
      await c.georadiusRo('{g}sicily', { longitude: 15, latitude: 37 }, 100, 'km'),
      rounded(
        await c.georadiusRoWith('{g}sicily', { longitude: 15, latitude: 37 }, 100, 'km', {
          coordinates: true,
        }),
        2,
      ),
    ],
    check: (v) =>
      expect(v).toEqual([
        ['Catania', 'Palermo'],
        [{ member: 'Catania', distance: 56.44 }],
        2,
        2,
        ['Catania'],
        [{ member: 'Catania', coordinates: { longitude: 15.09, latitude: 37.5 } }],
      ]),
  }),
  defineCase({
    methods: [
      'georadiusbymember',
      'georadiusbymemberWith',
      'georadiusbymemberStore',
      'georadiusbymemberRo',
      'georadiusbymemberRoWith',
    ],
    command: 'GEORADIUSBYMEMBER_RO',
    setup: sicily,
    run: async (c) => [
      await c.georadiusbymember('{g}sicily', 'Palermo', 200, 'km', { order: 'DESC' }),
      rounded(
        await c.georadiusbymemberWith('{g}sicily', 'Palermo', 200, 'km', { hash: true }, { count: 1 }),
        0,
      ),
      await c.georadiusbymemberStore('{g}sicily', 'Palermo', 200, 'km', '{g}out', { storeDistances: true }),
      await c.georadiusbymemberRo('{g}sicily', 'Catania', 10, 'km'),
      rounded(
        await c.georadiusbymemberRoWith('{g}sicily', 'Catania', 10, 'km', { distance: true, hash: true }),
        1,
      ),
    ],
    check: (v) =>
      expect(v).toEqual([
        ['Catania', 'Palermo'],
        [{ member: 'Palermo', hash: 3479099956230698 }],
        2,
        ['Catania'],
        [{ member: 'Catania', distance: 0, hash: 3479447370796909 }],
      ]),
  }),
];
