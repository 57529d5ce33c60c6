"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 14:03:40.064807
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('legal_name', sa.String(length=60), nullable=False),
    sa.Column('tin', sa.String(length=9), nullable=False),
    sa.Column('group_npi', sa.String(length=10), nullable=False),
    sa.Column('taxonomy', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=10), nullable=True),
    sa.Column('address_line1', sa.String(length=55), nullable=False),
    sa.Column('address_line2', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('zip_code', sa.String(length=9), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_entities')),
    sa.UniqueConstraint('group_npi', name=op.f('uq_billing_entities_group_npi')),
    sa.UniqueConstraint('tin', name=op.f('uq_billing_entities_tin'))
    )
    op.create_table('charge_master',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('description', sa.String(length=80), nullable=True),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_charge_master_price_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_master')),
    sa.UniqueConstraint('code', 'effective_from', name=op.f('uq_charge_master_code_effective_from'))
    )
    op.create_table('guarantors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=35), nullable=False),
    sa.Column('last_name', sa.String(length=60), nullable=False),
    sa.Column('relationship_to_patient', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=10), nullable=True),
    sa.Column('address_line1', sa.String(length=55), nullable=False),
    sa.Column('address_line2', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('zip_code', sa.String(length=9), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guarantors'))
    )
    op.create_table('journal_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('charge', 'payer_payment', 'contractual_adjustment', 'transfer_to_payer', 'transfer_to_patient', 'patient_payment', 'write_off', 'refund', 'reversal', name='entry_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('memo', sa.String(length=500), nullable=False),
    sa.Column('reason_code', sa.String(length=30), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('reverses_entry_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reverses_entry_id'], ['journal_entries.id'], name=op.f('fk_journal_entries_reverses_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entries')),
    sa.UniqueConstraint('reverses_entry_id', name=op.f('uq_journal_entries_reverses_entry_id'))
    )
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entries_effective_date'), ['effective_date'], unique=False)

    op.create_table('payers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('payer_id', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('medicare', 'medicare_advantage', 'commercial', 'medicaid', 'medigap', 'self_pay', name='payer_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('claim_filing_indicator', sa.String(length=2), nullable=False),
    sa.Column('timely_filing_days', sa.Integer(), nullable=False),
    sa.Column('address_line1', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=True),
    sa.Column('state', sa.String(length=2), nullable=True),
    sa.Column('zip_code', sa.String(length=9), nullable=True),
    sa.CheckConstraint('timely_filing_days > 0', name=op.f('ck_payers_timely_filing_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payers')),
    sa.UniqueConstraint('code', name=op.f('uq_payers_code'))
    )
    op.create_table('patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_number', sa.String(length=20), nullable=False),
    sa.Column('first_name', sa.String(length=35), nullable=False),
    sa.Column('last_name', sa.String(length=60), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('phone', sa.String(length=10), nullable=True),
    sa.Column('guarantor_id', sa.Integer(), nullable=True),
    sa.Column('address_line1', sa.String(length=55), nullable=False),
    sa.Column('address_line2', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('zip_code', sa.String(length=9), nullable=False),
    sa.CheckConstraint("sex IN ('F', 'M', 'U')", name=op.f('ck_patients_sex_code')),
    sa.ForeignKeyConstraint(['guarantor_id'], ['guarantors.id'], name=op.f('fk_patients_guarantor_id_guarantors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients')),
    sa.UniqueConstraint('account_number', name=op.f('uq_patients_account_number'))
    )
    op.create_table('payer_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_payer_settings_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payer_settings')),
    sa.UniqueConstraint('payer_id', 'key', 'effective_from', name=op.f('uq_payer_settings_payer_id_key_effective_from'))
    )
    op.create_table('providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('billing_entity_id', sa.Integer(), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('first_name', sa.String(length=35), nullable=False),
    sa.Column('last_name', sa.String(length=60), nullable=False),
    sa.Column('credential', sa.String(length=10), nullable=False),
    sa.Column('taxonomy', sa.String(length=10), nullable=False),
    sa.Column('role', sa.Enum('physician', 'radiation_oncologist', 'nurse_practitioner', 'physician_assistant', name='provider_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['billing_entity_id'], ['billing_entities.id'], name=op.f('fk_providers_billing_entity_id_billing_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_providers')),
    sa.UniqueConstraint('npi', name=op.f('uq_providers_npi'))
    )
    op.create_table('service_locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('billing_entity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('place_of_service', sa.String(length=2), nullable=False),
    sa.Column('setting', sa.Enum('office', 'hospital_outpatient', name='care_setting', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('address_line1', sa.String(length=55), nullable=False),
    sa.Column('address_line2', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('zip_code', sa.String(length=9), nullable=False),
    sa.ForeignKeyConstraint(['billing_entity_id'], ['billing_entities.id'], name=op.f('fk_service_locations_billing_entity_id_billing_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_locations'))
    )
    op.create_table('coverages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Enum('primary', 'secondary', 'tertiary', name='coverage_priority', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('member_id', sa.String(length=80), nullable=False),
    sa.Column('group_number', sa.String(length=50), nullable=True),
    sa.Column('plan_name', sa.String(length=60), nullable=True),
    sa.Column('relationship_to_subscriber', sa.Enum('18', '01', '19', 'G8', name='subscriber_relationship', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('subscriber_first_name', sa.String(length=35), nullable=True),
    sa.Column('subscriber_last_name', sa.String(length=60), nullable=True),
    sa.Column('subscriber_birth_date', sa.Date(), nullable=True),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('plan_year_start_month', sa.Integer(), nullable=False),
    sa.Column('plan_year_start_day', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= effective_date', name=op.f('ck_coverages_dates_ordered')),
    sa.CheckConstraint('plan_year_start_day BETWEEN 1 AND 31', name=op.f('ck_coverages_plan_year_day')),
    sa.CheckConstraint('plan_year_start_month BETWEEN 1 AND 12', name=op.f('ck_coverages_plan_year_month')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_coverages_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_coverages_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverages'))
    )
    op.create_table('patient_diagnoses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('icd10_code', sa.String(length=8), nullable=False),
    sa.Column('onset_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_patient_diagnoses_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_diagnoses')),
    sa.UniqueConstraint('patient_id', 'sequence', name=op.f('uq_patient_diagnoses_patient_id_sequence'))
    )
    op.create_table('payer_enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('enrolled', 'pending', 'terminated', 'denied', name='enrollment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.CheckConstraint('end_date IS NULL OR effective_date IS NULL OR end_date >= effective_date', name=op.f('ck_payer_enrollments_dates_ordered')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_payer_enrollments_payer_id_payers')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_payer_enrollments_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payer_enrollments'))
    )
    op.create_table('treatment_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('chemotherapy', 'radiation', name='treatment_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('regimen', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('active', 'completed', 'stopped', name='plan_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('cycle_length_days', sa.Integer(), nullable=True),
    sa.Column('planned_cycles', sa.Integer(), nullable=True),
    sa.Column('planned_fractions', sa.Integer(), nullable=True),
    sa.Column('diagnosis_code', sa.String(length=8), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('body_surface_area_m2', sa.BigInteger(), nullable=True),
    sa.Column('weight_kg', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("(kind = 'chemotherapy' AND cycle_length_days > 0 AND planned_cycles > 0) OR (kind = 'radiation' AND planned_fractions > 0)", name=op.f('ck_treatment_plans_schedule_present')),
    sa.ForeignKeyConstraint(['location_id'], ['service_locations.id'], name=op.f('fk_treatment_plans_location_id_service_locations')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_treatment_plans_patient_id_patients')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_treatment_plans_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_treatment_plans'))
    )
    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_control_number', sa.String(length=38), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('billing_entity_id', sa.Integer(), nullable=False),
    sa.Column('rendering_provider_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.Enum('837P', '837I', name='claim_form', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('frequency_code', sa.String(length=1), nullable=False),
    sa.Column('original_claim_id', sa.Integer(), nullable=True),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=True),
    sa.Column('prior_authorization', sa.String(length=50), nullable=True),
    sa.Column('status', sa.Enum('draft', 'held', 'ready', 'submitted', 'ack_accepted', 'ack_rejected', 'payer_accepted', 'payer_rejected', 'paid', 'partial', 'denied', 'closed', name='claim_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('service_from', sa.Date(), nullable=False),
    sa.Column('service_to', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("frequency_code IN ('1', '7', '8')", name=op.f('ck_claims_frequency_code')),
    sa.CheckConstraint('service_to >= service_from', name=op.f('ck_claims_service_dates_ordered')),
    sa.ForeignKeyConstraint(['billing_entity_id'], ['billing_entities.id'], name=op.f('fk_claims_billing_entity_id_billing_entities')),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_claims_coverage_id_coverages')),
    sa.ForeignKeyConstraint(['location_id'], ['service_locations.id'], name=op.f('fk_claims_location_id_service_locations')),
    sa.ForeignKeyConstraint(['original_claim_id'], ['claims.id'], name=op.f('fk_claims_original_claim_id_claims')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_claims_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_claims_payer_id_payers')),
    sa.ForeignKeyConstraint(['rendering_provider_id'], ['providers.id'], name=op.f('fk_claims_rendering_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('patient_control_number', name=op.f('uq_claims_patient_control_number'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_status'), ['status'], unique=False)

    op.create_table('encounters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('treatment_plan_id', sa.Integer(), nullable=True),
    sa.Column('cycle_number', sa.Integer(), nullable=True),
    sa.Column('fraction_from', sa.Integer(), nullable=True),
    sa.Column('fraction_to', sa.Integer(), nullable=True),
    sa.Column('date_of_service', sa.Date(), nullable=False),
    sa.Column('primary_reason', sa.String(length=40), nullable=True),
    sa.Column('status', sa.Enum('documented', 'coded', 'billed', name='encounter_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['service_locations.id'], name=op.f('fk_encounters_location_id_service_locations')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_encounters_patient_id_patients')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_encounters_provider_id_providers')),
    sa.ForeignKeyConstraint(['treatment_plan_id'], ['treatment_plans.id'], name=op.f('fk_encounters_treatment_plan_id_treatment_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounters'))
    )
    with op.batch_alter_table('encounters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_encounters_date_of_service'), ['date_of_service'], unique=False)

    op.create_table('administrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('encounter_id', sa.Integer(), nullable=False),
    sa.Column('drug', sa.String(length=60), nullable=False),
    sa.Column('hcpcs', sa.String(length=5), nullable=True),
    sa.Column('dose', sa.BigInteger(), nullable=False),
    sa.Column('dose_unit', sa.String(length=10), nullable=False),
    sa.Column('route', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('site', sa.String(length=20), nullable=True),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('stop_at', sa.DateTime(), nullable=True),
    sa.Column('ndc', sa.String(length=13), nullable=True),
    sa.Column('vials_opened', sa.JSON(), nullable=True),
    sa.CheckConstraint('dose > 0', name=op.f('ck_administrations_dose_positive')),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_administrations_encounter_id_encounters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_administrations'))
    )
    op.create_table('charge_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('encounter_id', sa.Integer(), nullable=False),
    sa.Column('line_number', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('modifier1', sa.String(length=2), nullable=True),
    sa.Column('modifier2', sa.String(length=2), nullable=True),
    sa.Column('modifier3', sa.String(length=2), nullable=True),
    sa.Column('modifier4', sa.String(length=2), nullable=True),
    sa.Column('units', sa.BigInteger(), nullable=False),
    sa.Column('charge', sa.BigInteger(), nullable=False),
    sa.Column('ndc', sa.String(length=11), nullable=True),
    sa.Column('ndc_quantity', sa.BigInteger(), nullable=True),
    sa.Column('ndc_unit', sa.String(length=2), nullable=True),
    sa.Column('dx_pointers', sa.JSON(), nullable=False),
    sa.Column('rendering_provider_id', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.String(length=500), nullable=True),
    sa.CheckConstraint("ndc_unit IS NULL OR ndc_unit IN ('UN', 'ML', 'GR', 'F2', 'ME')", name=op.f('ck_charge_lines_ndc_unit_code')),
    sa.CheckConstraint('charge >= 0', name=op.f('ck_charge_lines_charge_not_negative')),
    sa.CheckConstraint('units > 0', name=op.f('ck_charge_lines_units_positive')),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_charge_lines_encounter_id_encounters')),
    sa.ForeignKeyConstraint(['rendering_provider_id'], ['providers.id'], name=op.f('fk_charge_lines_rendering_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_lines')),
    sa.UniqueConstraint('encounter_id', 'line_number', name=op.f('uq_charge_lines_encounter_id_line_number'))
    )
    op.create_table('claim_diagnoses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('icd10_code', sa.String(length=8), nullable=False),
    sa.CheckConstraint('sequence BETWEEN 1 AND 12', name=op.f('ck_claim_diagnoses_hi_position')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_diagnoses_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_diagnoses')),
    sa.UniqueConstraint('claim_id', 'sequence', name=op.f('uq_claim_diagnoses_claim_id_sequence'))
    )
    op.create_table('claim_status_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('draft', 'held', 'ready', 'submitted', 'ack_accepted', 'ack_rejected', 'payer_accepted', 'payer_rejected', 'paid', 'partial', 'denied', 'closed', name='from_status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('draft', 'held', 'ready', 'submitted', 'ack_accepted', 'ack_rejected', 'payer_accepted', 'payer_rejected', 'paid', 'partial', 'denied', 'closed', name='to_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_status_events_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_status_events'))
    )
    with op.batch_alter_table('claim_status_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_status_events_claim_id'), ['claim_id'], unique=False)

    op.create_table('encounter_diagnoses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('encounter_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('icd10_code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_encounter_diagnoses_encounter_id_encounters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter_diagnoses')),
    sa.UniqueConstraint('encounter_id', 'sequence', name=op.f('uq_encounter_diagnoses_encounter_id_sequence'))
    )
    op.create_table('claim_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('charge_line_id', sa.Integer(), nullable=True),
    sa.Column('line_number', sa.Integer(), nullable=False),
    sa.Column('line_control_number', sa.String(length=50), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('modifier1', sa.String(length=2), nullable=True),
    sa.Column('modifier2', sa.String(length=2), nullable=True),
    sa.Column('modifier3', sa.String(length=2), nullable=True),
    sa.Column('modifier4', sa.String(length=2), nullable=True),
    sa.Column('units', sa.BigInteger(), nullable=False),
    sa.Column('charge', sa.BigInteger(), nullable=False),
    sa.Column('ndc', sa.String(length=11), nullable=True),
    sa.Column('ndc_quantity', sa.BigInteger(), nullable=True),
    sa.Column('ndc_unit', sa.String(length=2), nullable=True),
    sa.Column('dx_pointers', sa.String(length=7), nullable=False),
    sa.Column('revenue_code', sa.String(length=4), nullable=True),
    sa.CheckConstraint('charge >= 0', name=op.f('ck_claim_lines_charge_not_negative')),
    sa.CheckConstraint('line_number BETWEEN 1 AND 50', name=op.f('ck_claim_lines_line_number_range')),
    sa.CheckConstraint('units > 0', name=op.f('ck_claim_lines_units_positive')),
    sa.ForeignKeyConstraint(['charge_line_id'], ['charge_lines.id'], name=op.f('fk_claim_lines_charge_line_id_charge_lines')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_lines_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_lines')),
    sa.UniqueConstraint('claim_id', 'line_number', name=op.f('uq_claim_lines_claim_id_line_number')),
    sa.UniqueConstraint('line_control_number', name=op.f('uq_claim_lines_line_control_number'))
    )
    op.create_table('journal_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.Enum('cash', 'ar_payer', 'ar_patient', 'gross_charges', 'contractual_adjustments', 'write_offs', 'provider_adjustments', name='ledger_account', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('charge_line_id', sa.Integer(), nullable=True),
    sa.Column('claim_line_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['charge_line_id'], ['charge_lines.id'], name=op.f('fk_journal_lines_charge_line_id_charge_lines')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_journal_lines_claim_id_claims')),
    sa.ForeignKeyConstraint(['claim_line_id'], ['claim_lines.id'], name=op.f('fk_journal_lines_claim_line_id_claim_lines')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_journal_lines_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_journal_lines_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_journal_lines_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_lines'))
    )
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_lines_charge_line_id'), ['charge_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_lines_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_lines_claim_line_id'), ['claim_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_lines_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_lines_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_lines_payer_id'), ['payer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_lines_payer_id'))
        batch_op.drop_index(batch_op.f('ix_journal_lines_patient_id'))
        batch_op.drop_index(batch_op.f('ix_journal_lines_entry_id'))
        batch_op.drop_index(batch_op.f('ix_journal_lines_claim_line_id'))
        batch_op.drop_index(batch_op.f('ix_journal_lines_claim_id'))
        batch_op.drop_index(batch_op.f('ix_journal_lines_charge_line_id'))

    op.drop_table('journal_lines')
    op.drop_table('claim_lines')
    op.drop_table('encounter_diagnoses')
    with op.batch_alter_table('claim_status_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_status_events_claim_id'))

    op.drop_table('claim_status_events')
    op.drop_table('claim_diagnoses')
    op.drop_table('charge_lines')
    op.drop_table('administrations')
    with op.batch_alter_table('encounters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_encounters_date_of_service'))

    op.drop_table('encounters')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_status'))

    op.drop_table('claims')
    op.drop_table('treatment_plans')
    op.drop_table('payer_enrollments')
    op.drop_table('patient_diagnoses')
    op.drop_table('coverages')
    op.drop_table('service_locations')
    op.drop_table('providers')
    op.drop_table('payer_settings')
    op.drop_table('patients')
    op.drop_table('payers')
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entries_effective_date'))

    op.drop_table('journal_entries')
    op.drop_table('guarantors')
    op.drop_table('charge_master')
    op.drop_table('billing_entities')
