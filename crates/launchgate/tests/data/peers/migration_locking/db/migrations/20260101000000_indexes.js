exports.up = async function up(knex) {
  await knex.schema.alterTable('orders', (t) => {
    t.index(['status'], 'orders_status_idx'); // expect: DAT-009
  });
  await knex.raw('CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total)'); // ok: DAT-009
};

exports.down = async function down(knex) {
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS orders_total_idx');
  await knex.schema.alterTable('orders', (t) => {
    t.dropIndex(['status'], 'orders_status_idx');
  });
};

exports.config = { transaction: false };
