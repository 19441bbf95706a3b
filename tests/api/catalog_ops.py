"""GraphQL operations the catalog tests send, as a client would."""

CREATE_CATEGORY = """mutation($name: String!, $parentId: ID) {
  createCategory(input: {name: $name, parentId: $parentId}) {
    category { id name parent { id } } errors { code field message } } }"""

CREATE_PRODUCT = """mutation($input: CreateProductInput!) {
  createProduct(input: $input) {
    product { id name status green tags category { id name }
      skus { id code price { amount currency } attributes { name value } stock { available reserved sold } } }
    errors { code field message } } }"""

UPDATE_PRODUCT = """mutation($input: UpdateProductInput!) {
  updateProduct(input: $input) { product { id name status tags category { id } } errors { code field message } } }"""

ARCHIVE_PRODUCT = """mutation($id: ID!) {
  archiveProduct(input: {id: $id}) { product { id status } errors { code field message } } }"""

ADD_SKU = """mutation($input: AddSkuInput!) {
  addSku(input: $input) { sku { id code price { amount currency } } errors { code field message } } }"""

UPDATE_SKU = """mutation($input: UpdateSkuInput!) {
  updateSku(input: $input) { sku { id code price { amount currency } } errors { code field message } } }"""

SET_STOCK = """mutation($skuId: ID!, $quantity: Int!) {
  setStock(input: {skuId: $skuId, quantity: $quantity}) { sku { id stock { available } } errors { code field message } } }"""

ADJUST_STOCK = """mutation($skuId: ID!, $delta: Int!) {
  adjustStock(input: {skuId: $skuId, delta: $delta}) { sku { id stock { available } } errors { code field message } } }"""

PRODUCT_PAGE = """query($id: ID!) {
  product(id: $id) { id name description status green tags media { url kind }
    category { id name }
    skus { id code price { amount currency } attributes { name value } stock { available } inStock }
    priceRange { start { amount } stop { amount } } } }"""

PRODUCTS = """query($categoryId: ID!, $first: Int, $after: String) {
  products(categoryId: $categoryId, first: $first, after: $after) {
    edges { cursor node { id name category { name } skus { code price { amount currency } stock { available } } } }
    pageInfo { hasNextPage endCursor } } }"""

PRODUCTS_BY_TAG = """query($tag: String!, $first: Int, $after: String) {
  productsByTag(tag: $tag, first: $first, after: $after) {
    edges { node { id name tags skus { code } } } pageInfo { hasNextPage endCursor } } }"""
