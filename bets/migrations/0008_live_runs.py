"""Model endpoints and live evaluation runs (benchmark resolvers that run the benchmark)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bets", "0007_evidence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Endpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=63, unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9][a-z0-9_-]{0,62}$', 'Lowercase letters, digits, - and _ (at most 63).')])),
                ('base_url', models.URLField(help_text='e.g. https://models.example.org/v1', max_length=500)),
                ('served_models', models.JSONField(default=list, help_text='Model names it serves: ["gen1", "gen2"]')),
                ('api_key_env', models.CharField(blank=True, help_text='Environment variable holding its API key.', max_length=100, validators=[django.core.validators.RegexValidator('^[A-Za-z_][A-Za-z0-9_]{0,99}$', 'An environment variable name.')])),
                ('allow_private', models.BooleanField(default=False, help_text='A model server on this host or network: skip the guard that refuses private and loopback addresses.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='LiveRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('log_dir', models.CharField(max_length=500)),
                ('shards', models.PositiveIntegerField()),
                ('shards_done', models.PositiveIntegerField(default=0)),
                ('status', models.CharField(choices=[('running', 'Running'), ('finishing', 'Reading the logs'), ('finished', 'Finished'), ('cancelled', 'Cancelled')], default='running', max_length=16)),
                ('deadline_at', models.DateTimeField()),
                ('cancel_reason', models.TextField(blank=True)),
                ('started_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('attempt', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='live_run', to='bets.resolutionattempt')),
                ('cancelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='live_runs', to='bets.claim')),
            ],
            options={
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='LiveShard',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('index', models.PositiveIntegerField()),
                ('start', models.PositiveIntegerField()),
                ('end', models.PositiveIntegerField()),
                ('status', models.CharField(choices=[('pending', 'Waiting for a worker'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='pending', max_length=16)),
                ('token', models.CharField(blank=True, max_length=32)),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                ('deliveries', models.PositiveIntegerField(default=0)),
                ('error', models.TextField(blank=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shard_rows', to='bets.liverun')),
            ],
            options={
                'ordering': ['run', 'index'],
            },
        ),
        migrations.CreateModel(
            name='LiveProgress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('model', models.CharField(max_length=200)),
                ('condition', models.CharField(max_length=32)),
                ('done', models.PositiveIntegerField(default=0)),
                ('total', models.PositiveIntegerField(default=0)),
                ('tokens', models.BigIntegerField(default=0)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('shard', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='progress', to='bets.liveshard')),
            ],
        ),
        migrations.AddConstraint(
            model_name='liveshard',
            constraint=models.UniqueConstraint(fields=('run', 'index'), name='live_shard_index_once'),
        ),
        migrations.AddConstraint(
            model_name='liveprogress',
            constraint=models.UniqueConstraint(fields=('shard', 'model', 'condition'), name='live_progress_once'),
        ),
    ]
