"""A small SDL shaped like the Shopify Admin API, for unit tests of cost and bulk (not the sandbox's schema)."""

from __future__ import annotations

import graphql

ADMIN_TEST_SDL = """
interface Node { id: ID! }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

enum ProductStatus { ACTIVE ARCHIVED DRAFT }

type Image { url: String! }
type ProductOption { id: ID! name: String! values: [String!]! }

type Product implements Node {
  id: ID!
  title: String!
  status: ProductStatus!
  tags: [String!]!
  featuredImage: Image
  options(first: Int): [ProductOption!]!
  variants(first: Int, after: String, last: Int, before: String): ProductVariantConnection!
  metafields(first: Int): MetafieldConnection!
  collections(first: Int): CollectionConnection!
  media(first: Int): MediaConnection!
}

type ProductVariant implements Node {
  id: ID!
  sku: String
  price: String!
  product: Product!
  inventoryItem: InventoryItem!
}

type InventoryItem implements Node {
  id: ID!
  tracked: Boolean!
  inventoryLevels(first: Int, after: String): InventoryLevelConnection!
}

type InventoryQuantity { name: String! quantity: Int! }
type InventoryLevel implements Node { id: ID! location: Location! quantities(names: [String!]!): [InventoryQuantity!]! }
type Location implements Node { id: ID! name: String! }
type Metafield implements Node { id: ID! key: String! value: String! }
type Collection implements Node { id: ID! title: String! products(first: Int): ProductConnection! }
type Media implements Node { id: ID! alt: String }

type FulfillmentEvent implements Node { id: ID! status: String! }
type Fulfillment { id: ID! events(first: Int): FulfillmentEventConnection! }
type LineItem implements Node { id: ID! sku: String quantity: Int! }
type Order implements Node {
  id: ID!
  name: String!
  lineItems(first: Int, after: String): LineItemConnection!
  fulfillments(first: Int): [Fulfillment!]!
}

type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }
type InventoryLevelEdge { cursor: String! node: InventoryLevel! }
type InventoryLevelConnection { edges: [InventoryLevelEdge!]! nodes: [InventoryLevel!]! pageInfo: PageInfo! }
type MetafieldEdge { cursor: String! node: Metafield! }
type MetafieldConnection { edges: [MetafieldEdge!]! nodes: [Metafield!]! pageInfo: PageInfo! }
type CollectionEdge { cursor: String! node: Collection! }
type CollectionConnection { edges: [CollectionEdge!]! nodes: [Collection!]! pageInfo: PageInfo! }
type MediaEdge { cursor: String! node: Media! }
type MediaConnection { edges: [MediaEdge!]! nodes: [Media!]! pageInfo: PageInfo! }
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }
type FulfillmentEventEdge { cursor: String! node: FulfillmentEvent! }
type FulfillmentEventConnection { edges: [FulfillmentEventEdge!]! nodes: [FulfillmentEvent!]! pageInfo: PageInfo! }
type LocationEdge { cursor: String! node: Location! }
type LocationConnection { edges: [LocationEdge!]! nodes: [Location!]! pageInfo: PageInfo! }

type Shop { name: String! }

type Query {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  product(id: ID!): Product
  products(first: Int, after: String, last: Int, before: String, query: String): ProductConnection!
  productVariants(first: Int, query: String): ProductVariantConnection!
  orders(first: Int, query: String): OrderConnection!
  collections(first: Int): CollectionConnection!
  locations(first: Int): LocationConnection!
}

type UserError { field: [String!] message: String! }
input ProductInput { title: String }
type ProductCreatePayload { product: Product userErrors: [UserError!]! }

type Mutation {
  productCreate(product: ProductInput): ProductCreatePayload
}
"""


def admin_test_schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(ADMIN_TEST_SDL)
