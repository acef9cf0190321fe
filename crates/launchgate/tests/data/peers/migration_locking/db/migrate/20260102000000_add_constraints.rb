class AddConstraints < ActiveRecord::Migration[7.1]
  def change
    add_foreign_key :orders, :customers # expect: DAT-009
    add_foreign_key :orders, :shops, validate: false # ok: DAT-009
    change_column_null :orders, :status, false # expect: DAT-009
    add_column :orders, :priority, :integer, null: false # expect: DAT-009
    add_column :orders, :channel, :string, default: "web" # ok: DAT-009
  end
end
