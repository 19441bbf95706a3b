// A real client against a running dev stack: Apollo Client runs the example operations of
// graphql/operations/ as a mini-program would, pages the feeds with relayStylePagination (and
// the word list backwards from its end, as a chat-like list loads earlier items), and
// reports what it saw as one JSON object on stdout (tests/contract/test_apollo.py asserts on it).
//
//   node contract/apollo.mjs <graphql-url> [reader] [follower]
//   (or TUANSTACK_GRAPHQL_URL; reader and follower are demo users, default alice and bob)
import { readFileSync } from "node:fs";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client/core/index.js";
import { relayStylePagination } from "@apollo/client/utilities/index.js";
import { Kind, parse, visit } from "graphql";

const [url = process.env.TUANSTACK_GRAPHQL_URL, reader = "alice", follower = "bob"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node contract/apollo.mjs <graphql-url> [reader] [follower]");
  process.exit(2);
}

const OPERATIONS_DIR = new URL("../graphql/operations/", import.meta.url);
const definitions = ["login.graphql", "feeds.graphql"].flatMap(
  (file) => parse(readFileSync(new URL(file, OPERATIONS_DIR), "utf8")).definitions,
);

// One operation with only the fragments it spreads: Apollo refuses a document with several
// operations, and the server refuses unused fragments.
function operation(name) {
  const wanted = definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name.value === name);
  if (!wanted) throw new Error(`no operation ${name} in graphql/operations/`);
  const fragments = new Map();
  const collect = (node) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragmentName = spread.name.value;
        if (fragments.has(fragmentName)) return;
        const fragment = definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === fragmentName);
        fragments.set(fragmentName, fragment);
        collect(fragment);
      },
    });
  collect(wanted);
  return { kind: Kind.DOCUMENT, definitions: [wanted, ...fragments.values()] };
}

// Every connection field the example operations page through, merged by Apollo's helper.
const PAGED_ROOT_FIELDS = ["discoverFeed", "followingFeed", "reviewQueue", "moderationWords"];

// A signed-in session: the client logs in through itself, so the user it gets back is cached
// beside the authors and posts it reads afterwards.
async function signedIn(name) {
  let token = null;
  const withToken = new ApolloLink((request, forward) => {
    if (token) request.setContext(({ headers = {} }) => ({ headers: { ...headers, authorization: `Bearer ${token}` } }));
    return forward(request);
  });
  const apollo = new ApolloClient({
    link: withToken.concat(new HttpLink({ uri: url })),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: Object.fromEntries(PAGED_ROOT_FIELDS.map((field) => [field, relayStylePagination()])) },
      },
    }),
  });
  const { data } = await apollo.mutate({ mutation: operation("Login"), variables: { code: `demo:${name}` } });
  const payload = data.loginWithWechat;
  if (payload.errors.length) throw new Error(`login demo:${name}: ${JSON.stringify(payload.errors)}`);
  token = payload.token;
  return { apollo, user: payload.user };
}

// First page, then fetchMore after the merged list's endCursor until the server says there is no
// next page: relayStylePagination appends each page to the one cached list the component watches.
async function pageThrough(apollo, operationName, field, pageSize) {
  const query = operation(operationName);
  const watched = apollo.watchQuery({ query, variables: { first: pageSize } });
  let subscription;
  const firstPage = await new Promise((resolve, reject) => {
    subscription = watched.subscribe({ next: resolve, error: reject });
  });
  let connection = firstPage.data[field];
  const pages = [connection.edges.map((edge) => edge.node.id)];
  const cursorsSent = new Set();
  while (connection.pageInfo.hasNextPage) {
    const after = connection.pageInfo.endCursor;
    if (cursorsSent.has(after)) break; // the merged list did not grow: a page was dropped, not merged
    cursorsSent.add(after);
    const more = await watched.fetchMore({ variables: { after } });
    pages.push(more.data[field].edges.map((edge) => edge.node.id));
    connection = watched.getCurrentResult().data[field];
  }
  subscription.unsubscribe();
  // The same listing in one request, past the client's cache: what paging must add up to.
  const whole = await apollo.query({ query, variables: { first: 100 }, fetchPolicy: "no-cache" });
  return {
    pageSize,
    pages,
    merged: connection.edges.map((edge) => edge.node.id),
    mergedHasNextPage: connection.pageInfo.hasNextPage,
    oneRequest: whole.data[field].edges.map((edge) => edge.node.id),
  };
}

// Backwards from the end: `last`, then fetchMore before the merged list's startCursor until the
// server says there is no previous page: relayStylePagination prepends each page.
async function pageBackThrough(apollo, operationName, field, pageSize, nodeKey) {
  const query = operation(operationName);
  const watched = apollo.watchQuery({ query, variables: { last: pageSize } });
  let subscription;
  const lastPage = await new Promise((resolve, reject) => {
    subscription = watched.subscribe({ next: resolve, error: reject });
  });
  let connection = lastPage.data[field];
  const pages = [connection.edges.map((edge) => edge.node[nodeKey])];
  const cursorsSent = new Set();
  while (connection.pageInfo.hasPreviousPage) {
    const before = connection.pageInfo.startCursor;
    if (cursorsSent.has(before)) break; // the merged list did not grow: a page was dropped, not merged
    cursorsSent.add(before);
    const more = await watched.fetchMore({ variables: { before } });
    pages.push(more.data[field].edges.map((edge) => edge.node[nodeKey]));
    connection = watched.getCurrentResult().data[field];
  }
  subscription.unsubscribe();
  const whole = await apollo.query({ query, variables: { first: 100 }, fetchPolicy: "no-cache" });
  return {
    pageSize,
    pages,
    merged: connection.edges.map((edge) => edge.node[nodeKey]),
    mergedHasPreviousPage: connection.pageInfo.hasPreviousPage,
    oneRequest: whole.data[field].edges.map((edge) => edge.node[nodeKey]),
  };
}

// Apollo normalises objects as `${__typename}:${id}`: a Relay id under two typenames would be
// two entries that should be one object (or two objects sharing an id).
function idsUnderSeveralTypes(cache) {
  const typesById = new Map();
  for (const [key, entry] of Object.entries(cache.extract())) {
    if (key === "ROOT_QUERY" || key === "ROOT_MUTATION" || entry?.id === undefined) continue;
    typesById.set(entry.id, [...(typesById.get(entry.id) ?? []), entry.__typename]);
  }
  return Object.fromEntries([...typesById].filter(([, types]) => types.length > 1));
}

const readerSession = await signedIn(reader);
const followerSession = await signedIn(follower);
const readerClient = readerSession.apollo;
const followerClient = followerSession.apollo;

const discover = await pageThrough(readerClient, "DiscoverFeed", "discoverFeed", 2);
const following = await pageThrough(followerClient, "FollowingFeed", "followingFeed", 1);
const operatorSession = await signedIn("operator");
const wordsBackwards = await pageBackThrough(operatorSession.apollo, "ModerationWords", "moderationWords", 1, "word");

// Populate the reader's cache with the other shapes a card links to (author, products, comments).
const firstPostId = discover.oneRequest[0];
const { data: postData } = await readerClient.query({ query: operation("PostWithComments"), variables: { id: firstPostId } });
await readerClient.query({ query: operation("AuthorProfile"), variables: { id: postData.post.author.id } });

const readerCache = readerClient.cache.extract();
console.log(
  JSON.stringify({
    logins: [readerSession.user, followerSession.user],
    discoverFeed: discover,
    followingFeed: following,
    moderationWordsBackwards: wordsBackwards,
    cachedTypes: [...new Set(Object.values(readerCache).map((entry) => entry.__typename))].sort(),
    cachedObjects: Object.keys(readerCache).length,
    idsUnderSeveralTypes: { [reader]: idsUnderSeveralTypes(readerClient.cache), [follower]: idsUnderSeveralTypes(followerClient.cache) },
  }),
);
