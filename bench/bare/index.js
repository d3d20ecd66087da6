// The runtime's floor: answers 202 without reading the body or sending anything.
export default {
  fetch() {
    return new Response('{"status":"accepted"}', { status: 202, headers: { 'content-type': 'application/json' } });
  },
};
