class AddStatusIndex < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  def change
    add_index :orders, :status # expect: DAT-009
    add_index :orders, :total, algorithm: :concurrently # ok: DAT-009
    add_column :orders, :note, :text # ok: DAT-009
  end
end
