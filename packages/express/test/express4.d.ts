// The `express4` alias (express@4) ships no types; its API is the subset of Express 5's these tests use.
declare module 'express4' {
  import express from 'express';
  export default express;
}
