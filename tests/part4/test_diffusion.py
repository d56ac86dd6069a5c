"""Section 4.3: schedules, losses and samplers of synthlib.part4.diffusion on a Gaussian target whose exact
denoiser is known; the networks' shapes; bad input refused with clear errors."""
import numpy as np
import pytest

import synthlib
from synthlib.part4 import diffusion

torch = pytest.importorskip("torch")

torch.set_num_threads(1)

MEAN, VAR = torch.tensor([2.0, -1.0]), torch.tensor([0.25, 4.0])


def _gaussian_data(n, seed=0):
    return MEAN + VAR.sqrt() * torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))


def test_the_schedule_matches_ho_et_al():
    schedule = synthlib.ddpm_schedule()
    assert schedule.steps == 1000
    assert schedule.betas[0] == pytest.approx(1e-4) and schedule.betas[-1] == pytest.approx(0.02)
    assert schedule.alpha_bars[-1] < 1e-4  # the last step is (almost) pure noise
    assert np.all(np.diff(schedule.alpha_bars) < 0)


@pytest.mark.parametrize("steps", [1, 100])
def test_the_exact_velocity_moves_noise_to_the_gaussian(steps):
    """The flow of the exact velocity is an affine map of N(0, I): Euler with any number of steps keeps samples
    Gaussian, and with enough steps reproduces the target's mean and variance."""
    noise = torch.randn(20000, 2, generator=torch.Generator().manual_seed(1))
    samples = synthlib.sample_flow(synthlib.gaussian_velocity(MEAN, VAR), noise, steps=steps)
    if steps == 100:
        assert torch.allclose(samples.mean(0), MEAN, atol=0.05)
        assert torch.allclose(samples.var(0), VAR, rtol=0.05)
    else:  # one Euler step from t = 0 goes along v(x, 0) = m − x: the mean is right, the spread is not
        assert torch.allclose(samples.mean(0), MEAN, atol=0.05)
        assert not torch.allclose(samples.var(0), VAR, rtol=0.2)


@pytest.mark.parametrize("eta", [0.0, 1.0])
def test_the_exact_noise_predictor_samples_the_gaussian(eta):
    """With all T steps, DDIM (eta = 0) and DDPM's ancestral sampler (eta = 1) reproduce the target's moments;
    with fewer steps the discretisation shrinks the variance a little (a few per cent at 200 steps)."""
    schedule = synthlib.ddpm_schedule()
    noise = torch.randn(20000, 2, generator=torch.Generator().manual_seed(2))
    samples = synthlib.sample_ddpm(synthlib.gaussian_noise_predictor(MEAN, VAR, schedule), noise, schedule,
                                   steps=1000, eta=eta, generator=torch.Generator().manual_seed(3))
    assert torch.allclose(samples.mean(0), MEAN, atol=0.05)
    assert torch.allclose(samples.var(0), VAR, rtol=0.04)  # the standard error of a variance of 20,000 is 1%


def test_a_wrong_noise_predictor_is_caught():
    """The check above can fail: the exact predictor of another variance gives another variance."""
    schedule = synthlib.ddpm_schedule()
    noise = torch.randn(20000, 2, generator=torch.Generator().manual_seed(2))
    samples = synthlib.sample_ddpm(synthlib.gaussian_noise_predictor(MEAN, 4 * VAR, schedule), noise, schedule,
                                   steps=200)
    assert not torch.allclose(samples.var(0), VAR, rtol=0.5)


def test_the_losses_are_minimal_at_the_exact_predictors():
    schedule = synthlib.ddpm_schedule()
    data = _gaussian_data(50000)
    exact_flow = synthlib.flow_matching_loss(synthlib.gaussian_velocity(MEAN, VAR), data,
                                             generator=torch.Generator().manual_seed(4)).item()
    wrong_flow = synthlib.flow_matching_loss(synthlib.gaussian_velocity(MEAN + 0.5, VAR), data,
                                             generator=torch.Generator().manual_seed(4)).item()
    exact_ddpm = synthlib.ddpm_loss(synthlib.gaussian_noise_predictor(MEAN, VAR, schedule), data, schedule,
                                    generator=torch.Generator().manual_seed(4)).item()
    wrong_ddpm = synthlib.ddpm_loss(synthlib.gaussian_noise_predictor(MEAN, VAR / 4, schedule), data, schedule,
                                    generator=torch.Generator().manual_seed(4)).item()
    assert exact_flow < wrong_flow and exact_ddpm < wrong_ddpm


def _marginal(kind, t, generator):
    """Points x_t of the noised Gaussian target at times t: where the network was trained, and where it is used."""
    z = torch.randn(len(t), 2, generator=generator)
    if kind == "flow":
        tb = t[:, None]
        return tb * MEAN + ((1 - tb) ** 2 + tb ** 2 * VAR).sqrt() * z
    schedule = synthlib.ddpm_schedule()
    ab = torch.as_tensor(schedule.alpha_bars, dtype=torch.float32)[(t * 1000).round().long() - 1][:, None]
    return ab.sqrt() * MEAN + (ab * VAR + 1 - ab).sqrt() * z


@pytest.mark.parametrize("kind", ["flow", "ddpm"])
def test_a_trained_network_agrees_with_the_exact_denoiser(kind):
    torch.manual_seed(0)
    schedule = synthlib.ddpm_schedule()
    network = synthlib.make_denoiser("points", width=64)
    optimiser = torch.optim.Adam(network.parameters(), lr=3e-3)
    decay = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: 1 - step / 2000)
    generator = torch.Generator().manual_seed(5)
    for step in range(2000):
        data = MEAN + VAR.sqrt() * torch.randn(512, 2, generator=generator)
        loss = (synthlib.flow_matching_loss(network, data, generator=generator) if kind == "flow"
                else synthlib.ddpm_loss(network, data, schedule, generator=generator))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        decay.step()
    exact = (synthlib.gaussian_velocity(MEAN, VAR) if kind == "flow"
             else synthlib.gaussian_noise_predictor(MEAN, VAR, schedule))
    t = torch.tensor([0.1, 0.3, 0.5, 0.7, 0.9]).repeat_interleave(400)
    x = _marginal(kind, t, generator)
    with torch.no_grad():
        error = (network(x, t) - exact(x, t)).pow(2).mean().sqrt().item()
        scale = exact(x, t).pow(2).mean().sqrt().item()
        untrained = synthlib.make_denoiser("points", width=64)(x, t)
        untrained_error = (untrained - exact(x, t)).pow(2).mean().sqrt().item()
    assert error < 0.1 * scale < untrained_error, (error, scale, untrained_error)


def test_straight_paths_need_fewer_steps_and_straightness_measures_it():
    noise = torch.randn(2000, 2, generator=torch.Generator().manual_seed(6))
    # A (nearly) single-point target: x_t = (1 − t)·z + t·m, every path a straight line, which one step follows
    point = synthlib.gaussian_velocity(MEAN, torch.full((2,), 1e-10))
    path = synthlib.sample_flow(point, noise, steps=50, return_path=True)
    assert path.shape == (51, 2000, 2)
    assert synthlib.path_straightness(path) == pytest.approx(np.ones(2000), abs=1e-4)
    assert torch.allclose(synthlib.sample_flow(point, noise, steps=1), path[-1], atol=1e-4)
    bent = synthlib.sample_flow(synthlib.gaussian_velocity(MEAN, VAR), noise, steps=50, return_path=True)
    assert synthlib.path_straightness(bent).mean() < 0.999


def test_guidance_combines_the_conditional_and_unconditional_predictions():
    def model(x, t, labels):
        return torch.where(labels[:, None] == diffusion.NULL_CLASS, torch.zeros_like(x), torch.ones_like(x))

    x, t, labels = torch.zeros(3, 2), torch.full((3,), 0.5), torch.tensor([0, 4, 9])
    for scale in (0.0, 1.0, 3.0):
        assert torch.allclose(synthlib.guided_prediction(model, x, t, labels, scale), torch.full((3, 2), scale))


def test_drop_labels_replaces_a_share_p_by_the_null_class():
    labels = torch.arange(10).repeat(1000)
    dropped = synthlib.drop_labels(labels, 0.1, torch.Generator().manual_seed(0))
    share = (dropped == diffusion.NULL_CLASS).float().mean().item()
    assert 0.09 < share < 0.11
    kept = dropped != diffusion.NULL_CLASS
    assert torch.equal(dropped[kept], labels[kept])


def test_the_digit_network_shapes_and_conditioning():
    torch.manual_seed(0)
    network = synthlib.make_denoiser("digits", dim=16, width=32, blocks=1)
    x, t = torch.randn(5, 16), torch.rand(5)
    assert network(x, t, torch.tensor([0, 1, 2, 3, 10])).shape == (5, 16)
    assert not torch.allclose(network(x, t, torch.zeros(5, dtype=torch.long)),
                              network(x, t, torch.full((5,), 7)))
    with pytest.raises(ValueError, match=r"codes N×16 and N times; got \(5, 15\)"):
        network(x[:, :15], t)
    with pytest.raises(ValueError, match="codes N×16 and N times"):
        network(x, torch.rand(4))


def test_the_digit_code_is_whitened_and_decodes_back():
    images = np.random.default_rng(0).uniform(size=(300, 28, 28)) ** 4
    code = synthlib.DigitCode(images, dim=20)
    codes = code.encode(images)
    assert codes.shape == (300, 20)
    assert torch.allclose(codes.mean(0), torch.zeros(20), atol=1e-4)
    assert torch.allclose(codes.std(0), torch.ones(20), atol=1e-3)
    full = synthlib.DigitCode(images, dim=300)  # as many components as digits: an exact round trip
    assert np.allclose(full.decode(full.encode(images)), images, atol=1e-4)
    assert not np.allclose(code.decode(codes), images, atol=1e-2)  # 20 components lose detail
    with pytest.raises(ValueError, match="codes must be shaped N×20"):
        code.decode(torch.zeros(3, 5))
    with pytest.raises(ValueError, match="dim must be at most 300"):
        synthlib.DigitCode(images, dim=301)


def test_bad_input_is_refused_with_clear_errors():
    schedule = synthlib.ddpm_schedule(10)
    velocity = synthlib.gaussian_velocity(MEAN, VAR)
    noise = torch.randn(4, 2)
    with pytest.raises(ValueError, match="steps must be at least 1, got 0"):
        synthlib.sample_flow(velocity, noise, steps=0)
    with pytest.raises(ValueError, match="steps must be at least 1, got -3"):
        synthlib.sample_ddpm(velocity, noise, schedule, steps=-3)
    with pytest.raises(ValueError, match="at most the schedule's 10"):
        synthlib.sample_ddpm(velocity, noise, schedule, steps=11)
    with pytest.raises(ValueError, match="unknown class 12"):
        synthlib.sample_flow(velocity, noise, torch.tensor([0, 1, 12, 3]))
    with pytest.raises(ValueError, match="unknown class 10"):  # the null class is for training, not for asking
        synthlib.sample_flow(velocity, noise, torch.tensor([0, 1, 10, 3]))
    with pytest.raises(ValueError, match="labels must be 4 integer classes"):
        synthlib.sample_flow(velocity, noise, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="batch tensor shaped N×"):
        synthlib.sample_flow(velocity, torch.randn(2), steps=3)
    with pytest.raises(ValueError, match="guidance scale must be a finite number"):
        synthlib.sample_flow(velocity, noise, torch.tensor([0, 1, 2, 3]), guidance=float("nan"))
    with pytest.raises(ValueError, match="kind must be one of"):
        synthlib.make_denoiser("faces")
    with pytest.raises(ValueError, match="beta_start"):
        synthlib.ddpm_schedule(10, beta_start=0.5, beta_end=0.1)
    with pytest.raises(ValueError, match="path must be a tensor"):
        synthlib.path_straightness(torch.zeros(1, 3, 2))
